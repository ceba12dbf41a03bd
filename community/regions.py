"""The fixed list of US states and counties members pick from (profiles, share posts, meetups).

From the original client's `addressList`: state code → counties, stored without the word "County".
"""

STATES: dict[str, tuple[str, tuple[str, ...]]] = {
    "AZ": ("Arizona", ("Maricopa", "Pima", "Pinal", "Yavapai", "Coconino")),
    "CA": (
        "California",
        ("Los Angeles", "Orange", "Santa Clara", "San Diego", "Alameda", "San Francisco", "San Mateo", "Riverside"),
    ),
    "CO": ("Colorado", ("Denver", "Arapahoe", "El Paso", "Jefferson", "Adams", "Boulder")),
    "FL": ("Florida", ("Miami-Dade", "Broward", "Palm Beach", "Orange", "Hillsborough", "Duval")),
    "GA": ("Georgia", ("Fulton", "Gwinnett", "DeKalb", "Cobb", "Forsyth", "Chatham")),
    "HI": ("Hawaii", ("Honolulu", "Hawaii", "Maui", "Kauai", "Kalawao")),
    "IL": ("Illinois", ("Cook", "Lake", "DuPage", "Will", "Kane", "McHenry")),
    "MA": ("Massachusetts", ("Middlesex", "Suffolk", "Norfolk", "Worcester", "Essex", "Hampshire")),
    "MD": ("Maryland", ("Howard", "Montgomery", "Baltimore", "Prince George's", "Anne Arundel", "Frederick")),
    "MI": ("Michigan", ("Oakland", "Wayne", "Washtenaw", "Macomb", "Kent", "Ingham")),
    "MN": ("Minnesota", ("Hennepin", "Ramsey", "Dakota", "Anoka", "Washington")),
    "NC": ("North Carolina", ("Wake", "Mecklenburg", "Durham", "Guilford", "Orange", "Forsyth")),
    "NJ": ("New Jersey", ("Bergen", "Middlesex", "Hudson", "Essex", "Passaic", "Morris", "Union")),
    "NV": ("Nevada", ("Clark", "Washoe", "Carson City", "Douglas", "Elko")),
    "NY": ("New York", ("Queens", "Nassau", "New York", "Kings", "Suffolk", "Westchester", "Bronx", "Richmond")),
    "OH": ("Ohio", ("Franklin", "Cuyahoga", "Hamilton", "Summit", "Montgomery", "Lucas")),
    "PA": ("Pennsylvania", ("Philadelphia", "Montgomery", "Allegheny", "Bucks", "Delaware", "Chester")),
    "TX": ("Texas", ("Harris", "Dallas", "Tarrant", "Collin", "Travis", "Bexar", "Denton", "Fort Bend")),
    "VA": ("Virginia", ("Fairfax", "Loudoun", "Prince William", "Arlington", "Henrico", "Chesterfield")),
    "WA": ("Washington", ("King", "Snohomish", "Pierce", "Clark", "Spokane", "Thurston")),
}

STATE_CHOICES = [(code, name) for code, (name, _) in STATES.items()]


def region_problem(state: str, county: str) -> dict | None:
    """Field errors for a state code + county pair, or None when the pair is on the list."""
    if state not in STATES:
        return {"state": [f"Unknown state {state!r}; use one of {', '.join(STATES)}."]}
    if county not in STATES[state][1]:
        return {"county": [f"Unknown county {county!r} for {state}; use one of {', '.join(STATES[state][1])}."]}
    return None


def as_payload() -> list[dict]:
    """The list as JSON for clients that render pickers from the API."""
    return [{"code": code, "name": name, "counties": list(counties)} for code, (name, counties) in STATES.items()]
