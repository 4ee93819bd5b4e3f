"""The coordinate picker of the cluster form: a small map of India beside the typed latitude
and longitude, showing their point; with JavaScript (static/js/geo-map.js), a click on the
map fills them in.

{% load coordinate_picker %}{% coordinate_picker form %}
"""

from django import template

from clusters import geography

register = template.Library()


def _value(form, name):
    try:
        return form.fields[name].clean(form[name].value())
    except Exception:  # an invalid value places no point; the form names its error
        return None


@register.inclusion_tag("workspace/includes/coordinate_picker.html")
def coordinate_picker(form):
    """Render the map with the point of the form's coordinates, when they are in India."""
    latitude, longitude = _value(form, "latitude"), _value(form, "longitude")
    point = (
        geography.project(latitude, longitude) if geography.in_india(latitude, longitude) else None
    )
    return {
        "outline": geography.outline_paths(),
        "width": geography.WIDTH,
        "height": geography.HEIGHT,
        "point": point,
        "west": geography.INDIA_WEST,
        "north": geography.INDIA_NORTH,
        "x_factor": f"{geography.X_FACTOR:.6f}",
        "scale": geography.SCALE,
        "south": geography.INDIA_SOUTH,
        "east": geography.INDIA_EAST,
    }
