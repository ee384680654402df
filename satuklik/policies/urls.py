from django.urls import path

from satuklik.policies import views

app_name = "policies"
urlpatterns = [
    path("select/", views.policy_select, name="select"),
    path("link/", views.link_start, name="link"),
    path("link/verify/", views.link_verify, name="link-verify"),
    path("link/done/", views.link_done, name="link-done"),
    path("link/<slug:slug>/", views.link_details, name="link-details"),
    path("members/", views.members, name="members"),
    path("members/<int:member_id>/", views.member_detail, name="member"),
    path("benefits/", views.benefits, name="benefits"),
    path("benefits/<int:member_id>/", views.benefit_types, name="benefit-types"),
    path("benefits/<int:member_id>/<str:benefit_type>/", views.benefit_detail, name="benefit-detail"),
    path("individual/<int:member_id>/", views.individual, name="individual"),
    path("dplk/<int:member_id>/", views.dplk, name="dplk"),
    path("dplk/<int:member_id>/projection/", views.dplk_projection, name="dplk-projection"),
    path("dplk/<int:member_id>/contributions/", views.dplk_contributions, name="dplk-contributions"),
]
