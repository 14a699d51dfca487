"""Template filters about the newsroom: `{% if user|in_newsroom %}`."""

from django import template

from claims import workflow

register = template.Library()


@register.filter
def in_newsroom(user) -> bool:
    return workflow.in_newsroom(user)
