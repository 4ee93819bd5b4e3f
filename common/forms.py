"""Form fields that read spreadsheet cells the way people write them, with clear messages."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.numbers import parse_quantity

_GROUPING = re.compile(r"^\d{1,3}(,\d{2,3})+$")
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
MAX_COUNT = 100_000_000
MAX_AMOUNT = 10**17

# Each field's messages are whole sentences (what the value should be is part of the
# sentence, never a noun put into one), with the named placeholders given below.
# WholeNumberField: %(value)s.
COUNT_MESSAGES = {
    "invalid": gettext_lazy("'%(value)s' is not a count: use a whole number of 0 or more."),
    "negative": gettext_lazy("%(value)s is negative: a count is 0 or more."),
    "too_large": gettext_lazy("%(value)s is implausibly large for a count."),
}
AMOUNT_MESSAGES = {
    "invalid": gettext_lazy("'%(value)s' is not an amount: use a whole number of 0 or more."),
    "negative": gettext_lazy("%(value)s is negative: an amount is 0 or more."),
    "too_large": gettext_lazy("%(value)s is implausibly large for an amount."),
}
# CodeField: %(value)s.
COUNTRY_CODE_MESSAGE = gettext_lazy("'%(value)s' is not an ISO 3166 alpha-2 country code.")
CURRENCY_CODE_MESSAGE = gettext_lazy("'%(value)s' is not an ISO 4217 currency code.")


def parse_whole_number(text):
    """Return the whole number in `text` ('12000', '12,000', '12,00,000', '1200.0'), or raise."""
    text = text.strip().replace(" ", "")
    if _GROUPING.match(text):
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(text)
    return int(number)


class WholeNumberField(forms.CharField):
    """A non-negative whole number; blank is unknown (None), never zero."""

    def __init__(self, *, maximum=MAX_COUNT, messages=COUNT_MESSAGES, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.maximum = maximum
        self.messages = messages

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = parse_whole_number(value)
        except ValueError:
            raise self._error("invalid", value) from None
        if number < 0:
            raise self._error("negative", value)
        if number > self.maximum:
            raise self._error("too_large", value)
        return number

    def _error(self, code, value):
        return ValidationError(str(self.messages[code]) % {"value": value}, code=code)


class YesNoField(forms.CharField):
    """'yes' / 'no' (also true/false, 1/0); blank is None."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = (super().to_python(value) or "").lower()
        if not value:
            return None
        if value in YES:
            return True
        if value in NO:
            return False
        raise ValidationError(_("'%(value)s' is not yes or no.") % {"value": value}, code="invalid")


class CodeChoiceField(forms.CharField):
    """One of a fixed set of codes (case-insensitive), with the list in the error message.

    `message` is the whole sentence for a value that is none of them, with the placeholders
    %(value)s and %(codes)s ("'%(value)s' is not a cluster type; use one of: %(codes)s.").
    """

    def __init__(self, *, choices, message, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.codes = [value for value, _label in choices]
        self.message = message

    def to_python(self, value):
        value = (super().to_python(value) or "").strip().lower()
        if not value:
            return ""
        if value not in self.codes:
            raise ValidationError(
                str(self.message) % {"value": value, "codes": ", ".join(self.codes)},
                code="invalid_choice",
            )
        return value


class CoordinateField(forms.CharField):
    """A latitude or longitude in decimal degrees within +/- `limit`; blank is None."""

    def __init__(self, *, limit, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.limit = limit

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValidationError(
                _("'%(value)s' is not a number of degrees.") % {"value": value}, code="invalid"
            ) from None
        if not number.is_finite() or abs(number) > self.limit:
            raise ValidationError(
                _("%(value)s is outside -%(limit)s to %(limit)s degrees.")
                % {"value": value, "limit": self.limit},
                code="out_of_range",
            )
        return number.quantize(Decimal("0.000001"))


class CodeField(forms.CharField):
    """An upper-case code of `length` letters (ISO country or currency), `default` if blank.

    `message` is the sentence for any other value, with the placeholder %(value)s
    (COUNTRY_CODE_MESSAGE, CURRENCY_CODE_MESSAGE).
    """

    def __init__(self, *, length, default, message, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.length = length
        self.default = default
        self.message = message

    def to_python(self, value):
        value = (super().to_python(value) or "").strip().upper()
        if not value:
            return self.default
        if len(value) != self.length or not value.isalpha() or not value.isascii():
            raise ValidationError(
                str(self.message) % {"value": value},
                code="invalid",
            )
        return value


class QuantityField(forms.IntegerField):
    """A whole number as people type it in a filter: '10,000', '12,00,000', '1.2 lakh',
    '₹5 crore' (common.numbers.parse_quantity); the bounds of IntegerField apply."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            return parse_quantity(str(value))
        except ValueError:
            raise ValidationError(
                _("'%(value)s' is not a whole number: write it as 12,00,000, 12 lakh or ₹5 crore.")
                % {"value": value},
                code="invalid",
            ) from None
