from django import template

from satuklik.core.money import format_rupiah

register = template.Library()


@register.filter
def rupiah(amount):
    return format_rupiah(amount)
