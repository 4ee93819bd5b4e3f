"""Stakeholder kinds, their roles, and relationship types (FAQ Q3-4, Q24-26)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    SUPPLIER = "supplier", _("Supplier")
    INSTITUTION = "institution", _("Institution")
    ASSOCIATION = "association", _("Association")
    BDS_PROVIDER = "bds_provider", _("BDS provider")


class Role(models.TextChoices):
    # enterprise
    MANUFACTURER = "manufacturer", _("Manufacturer")
    EXPORTER = "exporter", _("Exporter")
    BUYER = "buyer", _("Buyer")
    SUB_CONTRACTOR = "sub_contractor", _("Sub-contractor")
    HOUSEHOLD_UNIT = "household_unit", _("Household unit")
    # supplier
    RAW_MATERIAL = "raw_material", _("Raw material")
    MACHINERY = "machinery", _("Machinery")
    ENERGY = "energy", _("Energy")
    TRANSPORT = "transport", _("Transport")
    # institution
    TRAINING = "training", _("Training")
    TECHNICAL = "technical", _("Technical")
    FINANCIAL = "financial", _("Financial")
    GOVERNMENT = "government", _("Government")
    REGULATORY = "regulatory", _("Regulatory")
    # association
    INDUSTRY_ASSOCIATION = "industry_association", _("Industry association")
    CHAMBER = "chamber", _("Chamber")
    COOPERATIVE = "cooperative", _("Cooperative")
    SELF_HELP_GROUP = "self_help_group", _("Self-help group")
    NGO = "ngo", _("NGO")
    # BDS provider
    CONSULTANCY = "consultancy", _("Consultancy")
    MARKETING = "marketing", _("Marketing")
    TECHNOLOGY = "technology", _("Technology")
    TESTING_CERTIFICATION = "testing_certification", _("Testing and certification")


ROLES_BY_KIND = {
    Kind.ENTERPRISE: (
        Role.MANUFACTURER,
        Role.EXPORTER,
        Role.BUYER,
        Role.SUB_CONTRACTOR,
        Role.HOUSEHOLD_UNIT,
    ),
    Kind.SUPPLIER: (Role.RAW_MATERIAL, Role.MACHINERY, Role.ENERGY, Role.TRANSPORT),
    Kind.INSTITUTION: (
        Role.TRAINING,
        Role.TECHNICAL,
        Role.FINANCIAL,
        Role.GOVERNMENT,
        Role.REGULATORY,
    ),
    Kind.ASSOCIATION: (
        Role.INDUSTRY_ASSOCIATION,
        Role.CHAMBER,
        Role.COOPERATIVE,
        Role.SELF_HELP_GROUP,
        Role.NGO,
    ),
    Kind.BDS_PROVIDER: (
        Role.CONSULTANCY,
        Role.MARKETING,
        Role.TECHNOLOGY,
        Role.TESTING_CERTIFICATION,
        Role.TRAINING,
        Role.FINANCIAL,
    ),
}


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class RelationshipType(models.TextChoices):
    SUPPLIES = "supplies", _("supplies")
    BUYS_FROM = "buys_from", _("buys from")
    SUBCONTRACTS_TO = "subcontracts_to", _("subcontracts to")
    FINANCES = "finances", _("finances")
    TRAINS = "trains", _("trains")
    REGULATES = "regulates", _("regulates")
    SERVES = "serves", _("serves")
    MEMBER_OF = "member_of", _("is a member of")
    COLLABORATES = "collaborates", _("collaborates with")


class JointAction(models.TextChoices):
    """What a network of enterprises does together (FAQ Q59-61)."""

    JOINT_PURCHASE = "joint_purchase", _("Joint purchase of raw material")
    SHARED_SERVICES = "shared_services", _("Shared expert services")
    TRADE_FAIR = "trade_fair", _("Joint participation in a trade fair")
    COMMON_BRAND = "common_brand", _("Common brand")
    JOINT_MARKETING = "joint_marketing", _("Joint marketing or market exploration")
    COMMON_FACILITY = "common_facility", _("Common facility")
    OTHER = "other", _("Other joint action")


class NetworkStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    DISSOLVED = "dissolved", _("Dissolved")


# The sentence for a code that is none of a choice list's (common.forms.CodeChoiceField).
KIND_MESSAGE = _("'%(value)s' is not a stakeholder kind; use one of: %(codes)s.")
ROLE_MESSAGE = _("'%(value)s' is not a role; use one of: %(codes)s.")
SIZE_CLASS_MESSAGE = _("'%(value)s' is not a size class; use one of: %(codes)s.")
RELATIONSHIP_TYPE_MESSAGE = _("'%(value)s' is not a relationship type; use one of: %(codes)s.")

# A role that is not one of a kind's, one sentence for each kind: %(role)s, %(allowed)s.
ROLE_OF_KIND_MESSAGES = {
    Kind.ENTERPRISE: _("'%(role)s' is not a role of an enterprise; use one of: %(allowed)s."),
    Kind.SUPPLIER: _("'%(role)s' is not a role of a supplier; use one of: %(allowed)s."),
    Kind.INSTITUTION: _("'%(role)s' is not a role of an institution; use one of: %(allowed)s."),
    Kind.ASSOCIATION: _("'%(role)s' is not a role of an association; use one of: %(allowed)s."),
    Kind.BDS_PROVIDER: _("'%(role)s' is not a role of a BDS provider; use one of: %(allowed)s."),
}

# A relationship read as one sentence, one for each type (the verb's place and form differ
# between languages, so no sentence is put together from a verb): %(source)s, %(target)s.
RELATIONSHIP_SENTENCES = {
    RelationshipType.SUPPLIES: _("%(source)s supplies %(target)s"),
    RelationshipType.BUYS_FROM: _("%(source)s buys from %(target)s"),
    RelationshipType.SUBCONTRACTS_TO: _("%(source)s subcontracts to %(target)s"),
    RelationshipType.FINANCES: _("%(source)s finances %(target)s"),
    RelationshipType.TRAINS: _("%(source)s trains %(target)s"),
    RelationshipType.REGULATES: _("%(source)s regulates %(target)s"),
    RelationshipType.SERVES: _("%(source)s serves %(target)s"),
    RelationshipType.MEMBER_OF: _("%(source)s is a member of %(target)s"),
    RelationshipType.COLLABORATES: _("%(source)s collaborates with %(target)s"),
}


def relationship_sentence(*, kind, source, target):
    """Return "Tirupur Knits supplies Apex Garments" in the active language."""
    return str(RELATIONSHIP_SENTENCES[RelationshipType(kind)]) % {
        "source": source,
        "target": target,
    }
