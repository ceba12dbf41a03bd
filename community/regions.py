"""The fixed list of US states and counties members pick from (profiles, share posts, meetups).

From the original client's `addressList`: state code → counties, stored without the word "County".
"""

from django.utils.translation import gettext as _

STATES: dict[str, tuple[str, tuple[str, ...]]] = {
    "AZ": ("Arizona", ("Maricopa", "Pima", "Pinal", "Yavapai", "Coconino")),
    "CA": (
        "California",
        (
            "Los Angeles",
            "Orange",
            "Santa Clara",
            "San Diego",
            "San Francisco",
            "Alameda",
            "Riverside",
            "San Bernardino",
        ),
    ),
    "CO": ("Colorado", ("Denver", "Arapahoe", "Jefferson", "Adams", "Douglas")),
    "FL": ("Florida", ("Broward", "Miami-Dade", "Orange", "Hillsborough", "Palm Beach")),
    "GA": ("Georgia", ("Gwinnett", "Fulton", "DeKalb", "Cobb", "Clayton")),
    "HI": ("Hawaii", ("Honolulu", "Hawaii", "Maui", "Kauai", "Kalawao")),
    "IL": ("Illinois", ("Cook", "DuPage", "Lake", "Will", "Kane")),
    "MA": ("Massachusetts", ("Middlesex", "Suffolk", "Norfolk", "Essex", "Worcester")),
    "MD": ("Maryland", ("Montgomery", "Howard", "Baltimore", "Anne Arundel", "Prince George's")),
    "MI": ("Michigan", ("Wayne", "Oakland", "Macomb", "Washtenaw", "Kent")),
    "MN": ("Minnesota", ("Hennepin", "Ramsey", "Dakota", "Anoka", "Washington")),
    "NC": ("North Carolina", ("Wake", "Mecklenburg", "Guilford", "Durham", "Forsyth")),
    "NJ": ("New Jersey", ("Bergen", "Middlesex", "Hudson", "Essex", "Morris", "Union", "Passaic", "Somerset")),
    "NV": ("Nevada", ("Clark", "Washoe", "Carson City", "Douglas", "Elko")),
    # The client labels two of these "New York (Manhattan)" and "Kings (Brooklyn)"; the county is stored bare.
    "NY": ("New York", ("Queens", "New York", "Nassau", "Kings", "Westchester", "Suffolk", "Rockland", "Erie")),
    "OH": ("Ohio", ("Cuyahoga", "Franklin", "Hamilton", "Montgomery", "Summit")),
    "PA": ("Pennsylvania", ("Philadelphia", "Montgomery", "Allegheny", "Bucks", "Delaware")),
    "TX": ("Texas", ("Harris", "Dallas", "Travis", "Tarrant", "Collin", "Bexar", "Fort Bend", "Williamson")),
    "VA": ("Virginia", ("Fairfax", "Loudoun", "Arlington", "Prince William", "Alexandria")),
    "WA": ("Washington", ("King", "Pierce", "Snohomish", "Clark", "Thurston")),
}

STATE_CHOICES = [(code, name) for code, (name, _) in STATES.items()]


def region_problem(state: str, county: str) -> dict | None:
    """Field errors for a state code + county pair, or None when the pair is on the list."""
    if state not in STATES:
        return {
            "state": [
                _("Unknown state %(state)r; use one of %(choices)s.") % {"state": state, "choices": ", ".join(STATES)}
            ]
        }
    if county not in STATES[state][1]:
        return {
            "county": [
                _("Unknown county %(county)r for %(state)s; use one of %(choices)s.")
                % {"county": county, "state": state, "choices": ", ".join(STATES[state][1])}
            ]
        }
    return None


def as_payload() -> list[dict]:
    """The list as JSON for clients that render pickers from the API."""
    return [{"code": code, "name": name, "counties": list(counties)} for code, (name, counties) in STATES.items()]
