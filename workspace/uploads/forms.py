"""Forms of the upload pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from workspace.uploads.services import FORMATS, validate_upload


class UploadForm(forms.Form):
    """Choose what the file holds and the file itself."""

    kind = forms.ChoiceField(
        label=_("The file holds"),
        choices=[(slug, fmt.label) for slug, fmt in FORMATS.items()],
        widget=forms.RadioSelect,
        initial="clusters",
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8 or Excel's Windows-1252, comma or semicolon) or XLSX. Nothing is "
            "written until you have seen the preview and confirmed."
        ),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            validate_upload(uploaded)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        return uploaded
