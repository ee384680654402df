from django.urls import path

from satuklik.notifications import views

app_name = "notifications"
urlpatterns = [
    # The demo outbox (404 unless NOTIFICATIONS_OUTBOX is on).
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/", views.outbox_message, name="outbox-message"),
    # The signed-in member's in-app notifications.
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/<int:pk>/", views.inbox_item, name="inbox-item"),
    path("notifications/read-all/", views.inbox_read_all, name="inbox-read-all"),
]
