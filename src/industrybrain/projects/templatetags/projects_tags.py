from django import template

register = template.Library()


@register.filter
def dictget(mapping, key):
    """``{{ cells|dictget:m.key }}``: a dict's value by a key held in a variable."""
    return mapping.get(key) if mapping else None
