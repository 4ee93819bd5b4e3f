"""India's 36 states and union territories, and the spellings people use for them."""

import difflib

from common.text import normalise

STATE = "state"
UNION_TERRITORY = "union_territory"

# (official name, ISO 3166-2 code, kind)
INDIAN_REGIONS = [
    ("Andhra Pradesh", "IN-AP", STATE),
    ("Arunachal Pradesh", "IN-AR", STATE),
    ("Assam", "IN-AS", STATE),
    ("Bihar", "IN-BR", STATE),
    ("Chhattisgarh", "IN-CG", STATE),
    ("Goa", "IN-GA", STATE),
    ("Gujarat", "IN-GJ", STATE),
    ("Haryana", "IN-HR", STATE),
    ("Himachal Pradesh", "IN-HP", STATE),
    ("Jharkhand", "IN-JH", STATE),
    ("Karnataka", "IN-KA", STATE),
    ("Kerala", "IN-KL", STATE),
    ("Madhya Pradesh", "IN-MP", STATE),
    ("Maharashtra", "IN-MH", STATE),
    ("Manipur", "IN-MN", STATE),
    ("Meghalaya", "IN-ML", STATE),
    ("Mizoram", "IN-MZ", STATE),
    ("Nagaland", "IN-NL", STATE),
    ("Odisha", "IN-OD", STATE),
    ("Punjab", "IN-PB", STATE),
    ("Rajasthan", "IN-RJ", STATE),
    ("Sikkim", "IN-SK", STATE),
    ("Tamil Nadu", "IN-TN", STATE),
    ("Telangana", "IN-TG", STATE),
    ("Tripura", "IN-TR", STATE),
    ("Uttar Pradesh", "IN-UP", STATE),
    ("Uttarakhand", "IN-UK", STATE),
    ("West Bengal", "IN-WB", STATE),
    ("Andaman and Nicobar Islands", "IN-AN", UNION_TERRITORY),
    ("Chandigarh", "IN-CH", UNION_TERRITORY),
    ("Dadra and Nagar Haveli and Daman and Diu", "IN-DH", UNION_TERRITORY),
    ("Delhi", "IN-DL", UNION_TERRITORY),
    ("Jammu and Kashmir", "IN-JK", UNION_TERRITORY),
    ("Ladakh", "IN-LA", UNION_TERRITORY),
    ("Lakshadweep", "IN-LD", UNION_TERRITORY),
    ("Puducherry", "IN-PY", UNION_TERRITORY),
]

# Other spellings, old names and abbreviations, mapped to the official name.
ALIASES = {
    "w bengal": "West Bengal",
    "w. bengal": "West Bengal",
    "westbengal": "West Bengal",
    "orissa": "Odisha",
    "pondicherry": "Puducherry",
    "uttaranchal": "Uttarakhand",
    "tamilnadu": "Tamil Nadu",
    "chattisgarh": "Chhattisgarh",
    "chhatisgarh": "Chhattisgarh",
    "nct of delhi": "Delhi",
    "national capital territory of delhi": "Delhi",
    "new delhi": "Delhi",
    "j&k": "Jammu and Kashmir",
    "jammu & kashmir": "Jammu and Kashmir",
    "andaman & nicobar islands": "Andaman and Nicobar Islands",
    "andaman and nicobar": "Andaman and Nicobar Islands",
    "andaman & nicobar": "Andaman and Nicobar Islands",
    "dadra and nagar haveli": "Dadra and Nagar Haveli and Daman and Diu",
    "daman and diu": "Dadra and Nagar Haveli and Daman and Diu",
    "orrisa": "Odisha",
    "up": "Uttar Pradesh",
    "mp": "Madhya Pradesh",
    "tn": "Tamil Nadu",
    "wb": "West Bengal",
}


def _lookup_table():
    table = {}
    for name, code, _kind in INDIAN_REGIONS:
        table[normalise(name)] = name
        table[normalise(code)] = name
        table[normalise(code.removeprefix("IN-"))] = name
    table.update({normalise(alias): name for alias, name in ALIASES.items()})
    return table


_LOOKUP = _lookup_table()


def official_indian_name(text):
    """Return the official name of the Indian state or union territory `text` names, or None."""
    return _LOOKUP.get(normalise(text))


def closest_indian_name(text):
    """Return the official name most like the misspelt `text` ('Utter Pradesh'), or None."""
    names = {normalise(name): name for name, _code, _kind in INDIAN_REGIONS}
    match = difflib.get_close_matches(normalise(text), list(names), n=1, cutoff=0.8)
    return names[match[0]] if match else None
