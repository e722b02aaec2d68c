"""The marking rules: what is accepted, what is refused, how a banner reads, who may open."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handover import markings
from handover.markings import Marking, MarkingError

ACCEPTED = [
    Marking(scheme="UK", classification="OFFICIAL"),
    Marking(scheme="UK", classification="OFFICIAL-SENSITIVE"),
    Marking(scheme="UK", classification="OFFICIAL-SENSITIVE", descriptors=("PERSONAL DATA",)),
    Marking(scheme="UK", classification="OFFICIAL-SENSITIVE", descriptors=("COMMERCIAL",)),
    Marking(
        scheme="UK",
        classification="OFFICIAL-SENSITIVE",
        descriptors=("LEGAL PROFESSIONAL PRIVILEGE",),
        handling_instructions=("RECIPIENTS ONLY",),
    ),
    Marking(scheme="UK", classification="OFFICIAL", releasability="UK EYES ONLY"),
    Marking(scheme="UK", classification="OFFICIAL-SENSITIVE", releasability="REL AUS/GBR"),
    Marking(scheme="AU", classification="UNOFFICIAL"),
    Marking(scheme="AU", classification="OFFICIAL"),
    Marking(scheme="AU", classification="OFFICIAL: Sensitive"),
    Marking(
        scheme="AU",
        classification="OFFICIAL: Sensitive",
        information_management_markers=("Legal-Privilege",),
    ),
    Marking(
        scheme="AU",
        classification="OFFICIAL",
        information_management_markers=("Legislative-Secrecy",),
    ),
    Marking(
        scheme="AU",
        classification="OFFICIAL: Sensitive",
        information_management_markers=("Personal-Privacy",),
        releasability="AUSTEO",
    ),
    Marking(scheme="AU", classification="OFFICIAL", releasability="REL AUS/GBR"),
]


@pytest.mark.parametrize("marking", ACCEPTED, ids=markings.banner_text)
def test_each_official_level_marking_is_accepted_as_given(marking):
    """Every marking at or below the ceiling validates and comes back unchanged."""
    assert markings.validate(marking) == marking


@pytest.mark.parametrize(
    ("scheme", "classification"),
    [
        ("UK", "SECRET"),
        ("UK", "TOP SECRET"),
        ("AU", "PROTECTED"),
        ("AU", "SECRET"),
        ("AU", "TOP SECRET"),
    ],
)
def test_markings_above_the_ceiling_are_refused_saying_what_to_do(scheme, classification):
    """SECRET and above (and AU PROTECTED) are refused with the OFFICIAL-only message."""
    with pytest.raises(MarkingError) as caught:
        markings.validate(Marking(scheme=scheme, classification=classification))
    message = caught.value.message
    assert classification in message
    assert "OFFICIAL-level information only" in message
    assert "approved channel for higher-classification material" in message


@pytest.mark.parametrize(
    ("marking", "field"),
    [
        (Marking(scheme="UK", classification="OFFICIAL: Sensitive"), "classification"),
        (Marking(scheme="AU", classification="OFFICIAL-SENSITIVE"), "classification"),
        (Marking(scheme="UK", classification="RESTRICTED"), "classification"),
        (Marking(scheme="XX", classification="OFFICIAL"), "classification"),
        (
            Marking(scheme="UK", classification="OFFICIAL", descriptors=("COMMERCIAL",)),
            "descriptors",
        ),
        (
            Marking(
                scheme="UK",
                classification="OFFICIAL-SENSITIVE",
                information_management_markers=("Legal-Privilege",),
            ),
            "information_management_markers",
        ),
        (
            Marking(
                scheme="AU",
                classification="UNOFFICIAL",
                information_management_markers=("Legal-Privilege",),
            ),
            "information_management_markers",
        ),
        (
            Marking(scheme="AU", classification="OFFICIAL", descriptors=("COMMERCIAL",)),
            "descriptors",
        ),
        (Marking(scheme="UK", classification="OFFICIAL", releasability="AUSTEO"), "releasability"),
        (
            Marking(scheme="AU", classification="OFFICIAL", releasability="UK EYES ONLY"),
            "releasability",
        ),
        (
            Marking(scheme="AU", classification="UNOFFICIAL", releasability="AUSTEO"),
            "releasability",
        ),
        (
            Marking(scheme="UK", classification="OFFICIAL-SENSITIVE", descriptors=("MADE UP",)),
            "descriptors",
        ),
    ],
)
def test_inconsistent_markings_are_refused_naming_the_part_that_is_wrong(marking, field):
    """A marking mixing schemes, or carrying a caveat its level cannot, is refused."""
    with pytest.raises(MarkingError) as caught:
        markings.validate(marking)
    assert caught.value.field == field
    assert caught.value.message


def test_banner_text_reads_as_the_originator_marked_it():
    """The banner keeps each scheme's own words: nothing is translated."""
    uk = Marking(
        scheme="UK",
        classification="OFFICIAL-SENSITIVE",
        descriptors=("PERSONAL DATA",),
        handling_instructions=("RECIPIENTS ONLY",),
        releasability="UK EYES ONLY",
    )
    au = Marking(
        scheme="AU",
        classification="OFFICIAL: Sensitive",
        information_management_markers=("Legal-Privilege",),
        releasability="AUSTEO",
    )
    assert markings.banner_text(uk) == (
        "OFFICIAL-SENSITIVE PERSONAL DATA // RECIPIENTS ONLY // UK EYES ONLY"
    )
    assert markings.banner_text(au) == "OFFICIAL: Sensitive // Legal-Privilege // AUSTEO"
    assert markings.banner_class(uk) == markings.banner_class(au) == "official-sensitive"
    assert markings.banner_class(Marking(scheme="AU", classification="UNOFFICIAL")) == ""


def test_highest_marking_of_a_package_is_the_most_restrictive():
    """A package's banner shows its most restrictive item."""
    low = Marking(scheme="AU", classification="OFFICIAL")
    high = Marking(scheme="AU", classification="OFFICIAL: Sensitive")
    assert markings.highest([low, high, low]) == high
    assert markings.highest([]) is None


@pytest.mark.parametrize("order", [1, -1])
def test_a_page_listing_austeo_records_says_austeo(order):
    """An Australian's document list holds REL AUS/GBR and AUSTEO records of the same
    classification: the banner says AUSTEO, whichever comes first."""
    rel = Marking(scheme="AU", classification="OFFICIAL: Sensitive", releasability="REL AUS/GBR")
    austeo = Marking(scheme="AU", classification="OFFICIAL: Sensitive", releasability="AUSTEO")
    banner = markings.banner_text(markings.highest([rel, austeo][::order]))
    assert banner == "OFFICIAL: Sensitive // AUSTEO"


def test_the_narrowest_caveat_joins_the_highest_classification():
    """The most highly classified record is released to both countries, a lower one is
    AUSTEO: the banner states the highest classification and the AUSTEO caveat."""
    high = Marking(scheme="UK", classification="OFFICIAL-SENSITIVE", releasability="REL AUS/GBR")
    low = Marking(scheme="AU", classification="OFFICIAL", releasability="AUSTEO")
    unmarked = Marking(scheme="AU", classification="OFFICIAL")
    assert markings.banner_text(markings.highest([high, low, unmarked])) == (
        "OFFICIAL-SENSITIVE // AUSTEO"
    )
    assert markings.highest([high, unmarked]) == high


@pytest.mark.parametrize(
    ("releasability", "nationality", "country", "allowed"),
    [
        ("", "NZL", "GBR", True),
        ("AUSTEO", "AUS", "AUS", True),
        ("AUSTEO", "GBR", "AUS", False),
        ("AUSTEO", "AUS", "GBR", False),
        ("AUSTEO", "", "AUS", False),
        ("UK EYES ONLY", "GBR", "GBR", True),
        ("UK EYES ONLY", "AUS", "GBR", False),
        ("UK EYES ONLY", "GBR", "AUS", False),
        ("REL AUS/GBR", "AUS", "GBR", True),
        ("REL AUS/GBR", "GBR", "AUS", True),
        ("REL AUS/GBR", "USA", "GBR", False),
        ("SOMETHING NEW", "GBR", "GBR", False),
    ],
)
def test_releasability_per_nationality_and_institute(releasability, nationality, country, allowed):
    """AUSTEO reaches Australians at the AU institute, UK EYES ONLY Britons at the UK one."""
    assert (
        markings.releasable_to(
            releasability=releasability, nationality=nationality, institute_country=country
        )
        is allowed
    )


CODES = st.sampled_from(["GBR", "AUS", "USA", "NZL", "", "gbr", "aus"])


@settings(max_examples=200, deadline=None)
@given(releasability=st.sampled_from(markings.ALL_RELEASABILITY), nationality=CODES, country=CODES)
def test_a_caveat_never_reaches_anyone_outside_its_nations(releasability, nationality, country):
    """Property: a caveated document opens only for a listed nationality at a listed country."""
    allowed = markings.releasable_to(
        releasability=releasability, nationality=nationality, institute_country=country
    )
    if releasability:
        nations, countries = markings.RELEASABLE_TO[releasability]
        assert allowed == (nationality.upper() in nations and country.upper() in countries)
    else:
        assert allowed
    assert (
        releasability
        in markings.releasabilities_for(nationality=nationality, institute_country=country)
    ) == allowed


def _markings():
    uk = st.builds(
        Marking,
        scheme=st.just("UK"),
        classification=st.sampled_from(markings.UK_CLASSIFICATIONS + markings.ABOVE_CEILING["UK"]),
        descriptors=st.lists(st.sampled_from(markings.UK_DESCRIPTORS), max_size=2, unique=True).map(
            tuple
        ),
        handling_instructions=st.lists(
            st.sampled_from(markings.UK_HANDLING_INSTRUCTIONS), max_size=1
        ).map(tuple),
        releasability=st.sampled_from(markings.RELEASABILITY["UK"]),
    )
    au = st.builds(
        Marking,
        scheme=st.just("AU"),
        classification=st.sampled_from(markings.AU_CLASSIFICATIONS + markings.ABOVE_CEILING["AU"]),
        information_management_markers=st.lists(
            st.sampled_from(markings.AU_INFORMATION_MANAGEMENT_MARKERS), max_size=2, unique=True
        ).map(tuple),
        releasability=st.sampled_from(markings.RELEASABILITY["AU"]),
    )
    return uk | au


@settings(max_examples=300, deadline=None)
@given(marking=_markings())
def test_validation_either_accepts_unchanged_or_refuses_and_never_passes_the_ceiling(marking):
    """Property: a valid marking is returned as given, starts with its classification in the
    banner, and nothing above the ceiling is ever accepted."""
    try:
        result = markings.validate(marking)
    except MarkingError as exc:
        assert exc.message
        return
    assert result == marking
    assert marking.classification not in markings.ABOVE_CEILING[marking.scheme]
    assert markings.banner_text(marking).startswith(marking.classification)
    if marking.releasability:
        assert markings.banner_text(marking).endswith(marking.releasability)
