"""The form of a network of enterprises (FAQ Q59-61)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from stakeholders.choices import Kind
from stakeholders.models import Network, Stakeholder
from stakeholders.networks import network_validate_members


class MemberChoiceField(forms.ModelMultipleChoiceField):
    """Enterprises of the cluster, each named with its role."""

    def label_from_instance(self, obj):
        role = obj.get_role_display()
        return f"{obj.name} ({role})" if role else obj.name


class NetworkForm(forms.ModelForm):
    """Enter or edit a network of 3 to 10 enterprises of one cluster (FAQ Q59-61).

    The members are offered among the cluster's enterprises; their number and that they
    belong to the cluster are the rule of stakeholders.networks, checked here too so that
    its message stands next to this field together with any other error of the form.
    """

    members = MemberChoiceField(
        label=_("Member enterprises"),
        queryset=Stakeholder.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose 3 to 10 enterprises of this cluster."),
    )

    class Meta:
        model = Network
        fields = ["name", "joint_action", "description", "started", "status"]
        widgets = {
            "started": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "joint_action": _("What the enterprises do together."),
            "started": _("When the joint action began, if it has."),
        }

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.cluster = cluster
        self.fields["members"].queryset = (
            Stakeholder.objects.filter(memberships__cluster=cluster, kind=Kind.ENTERPRISE)
            .only("pk", "name", "role", "kind")
            .order_by("name", "pk")
        )
        if self.instance.pk is not None and not self.is_bound:
            self.initial["members"] = [member.pk for member in self.instance.members.all()]

    def clean_members(self):
        members = list(self.cleaned_data["members"])
        try:
            network_validate_members(cluster=self.cluster, members=members)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict.get("members", exc.messages)) from exc
        return members
