"""Helpers shared by the editor forms: blank first choices, service errors, fieldsets."""


def blank_first(choices, blank):
    """Return `choices` after an empty choice labelled `blank`."""
    return [("", blank), *choices]


def add_service_errors(form, error):
    """Put a ValidationError raised by a service on the form: on its field where the form
    has one, at the top otherwise."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class GroupedFieldsMixin:
    """Let a template render a long form as fieldsets: `groups` lists (legend, hint, names)."""

    groups = ()

    def fieldsets(self):
        """Return (legend, hint, bound fields) for each group, skipping absent fields."""
        return [
            (legend, hint, [self[name] for name in names if name in self.fields])
            for legend, hint, names in self.groups
        ]
