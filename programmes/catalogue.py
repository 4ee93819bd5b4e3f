"""The curated lists a migration loads: the schemes clusters are developed under and the
indicator catalogue of FAQ Q68. Plain data (no models), so migrations can read it."""

FAQ = "'Getting to Know Clusters', Foundation for MSME Clusters"

# slug, name, short name, kind, owner, url, description, source
SCHEMES = [
    (
        "mse-cdp",
        "Micro and Small Enterprises – Cluster Development Programme",
        "MSE-CDP",
        "national_msme",
        "Ministry of Micro, Small and Medium Enterprises, Government of India",
        "https://cluster.dcmsme.gov.in/",
        "Diagnostic studies, soft interventions, common facility centres and infrastructure "
        "development for clusters of micro and small enterprises.",
        "Ministry of MSME, MSE-CDP guidelines",
    ),
    (
        "sfurti",
        "Scheme of Fund for Regeneration of Traditional Industries",
        "SFURTI",
        "national_msme",
        "Ministry of Micro, Small and Medium Enterprises / Khadi and Village Industries "
        "Commission (KVIC)",
        "https://sfurti.msme.gov.in/",
        "Clusters of traditional industries and artisans: soft, hard and thematic "
        "interventions through implementing agencies and technical agencies.",
        "Ministry of MSME, SFURTI guidelines",
    ),
    (
        "chcds",
        "Comprehensive Handloom Cluster Development Scheme (NHDP cluster component)",
        "CHCDS",
        "handloom",
        "Ministry of Textiles, Office of the Development Commissioner (Handlooms)",
        "https://handlooms.nic.in/",
        "Handloom clusters: skill upgradation, design, marketing, common infrastructure; "
        "the cluster component of the National Handloom Development Programme.",
        "Ministry of Textiles, National Handloom Development Programme guidelines",
    ),
    (
        "state-cluster-programme",
        "State cluster development programme",
        "State programme",
        "state",
        "A state government's industries department",
        "",
        "A cluster development programme of a state government (for example a state's "
        "industrial infrastructure or artisan cluster scheme); name the state's scheme in "
        "the initiative's title.",
        FAQ + ", Q31-32 (the role of governments)",
    ),
    (
        "unido-cdp",
        "UNIDO Cluster Development Programme",
        "UNIDO CDP",
        "donor",
        "United Nations Industrial Development Organization (UNIDO)",
        "https://www.unido.org/",
        "The UNIDO methodology: a cluster development agent, a diagnostic study, trust "
        "building, an action plan and its implementation (FAQ Q35-58).",
        FAQ + ", Q35-58",
    ),
    (
        "other",
        "Other programme",
        "Other",
        "other",
        "",
        "",
        "An initiative under a scheme not in this list; name it in the initiative's title.",
        "",
    ),
]

# slug, name, level, unit, description, computed_from
INDICATORS = [
    (
        "new-markets",
        "New markets identified",
        "enterprise",
        "markets",
        "Identification of new markets by the cluster's enterprises.",
        "",
    ),
    (
        "new-marketing-channels",
        "New marketing channels",
        "enterprise",
        "channels",
        "Creation of new marketing channels.",
        "",
    ),
    (
        "additional-investment",
        "Additional investment",
        "enterprise",
        "INR",
        "Additional investment made by the cluster's enterprises.",
        "",
    ),
    (
        "cost-reduction",
        "Cost reduction",
        "enterprise",
        "per cent",
        "Cost reduction made possible.",
        "",
    ),
    (
        "new-enterprises",
        "New enterprises created",
        "enterprise",
        "enterprises",
        "New enterprises created in the cluster.",
        "",
    ),
    (
        "quality-certifications",
        "Quality certifications",
        "enterprise",
        "certifications",
        "Number of quality certifications achieved.",
        "",
    ),
    (
        "new-technology",
        "New technology introduced",
        "cluster",
        "technologies",
        "New technology introduced in the cluster.",
        "",
    ),
    (
        "infrastructure-developed",
        "Infrastructure developed",
        "cluster",
        "facilities",
        "Infrastructure developed (common facility centres, testing facilities...).",
        "",
    ),
    (
        "new-bds",
        "New business development services",
        "cluster",
        "services",
        "Introduction of new business development services (BDS).",
        "",
    ),
    (
        "bds-providers",
        "BDS providers",
        "cluster",
        "providers",
        "Business development service providers serving the cluster.",
        "bds_providers",
    ),
    (
        "functioning-associations",
        "Functioning associations",
        "sustainability",
        "associations",
        "Number of functioning associations.",
        "",
    ),
    (
        "networks-created",
        "Networks created",
        "sustainability",
        "networks",
        "Number of networks of enterprises created.",
        "networks",
    ),
    (
        "support-institutions-linked",
        "Support institutions linked",
        "sustainability",
        "institutions",
        "Number of support institutions linked with the cluster.",
        "support_institutions",
    ),
    (
        "policy-support",
        "Policy support generated",
        "sustainability",
        "measures",
        "Policy support generated for the cluster.",
        "",
    ),
]
