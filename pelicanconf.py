"""Development settings for Sharewell (``pelican -s pelicanconf.py``).

Every value a writer or publisher may want to change lives here; publishconf.py
only changes what differs on the live site. Settings added by our plugins are
documented in each plugin's README.
"""

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent

AUTHOR = "Sharewell editorial team"
SITENAME = "Sharewell"
SITE_TAGLINE = "Clear first aid and health advice you can trust and share"
# Dev server address; tasks.py reads SHAREWELL_HOST / SHAREWELL_PORT too.
SITEURL = os.environ.get(
    "SHAREWELL_SITEURL",
    "http://{}:{}".format(
        os.environ.get("SHAREWELL_HOST", "127.0.0.1"), os.environ.get("SHAREWELL_PORT", "8000")
    ),
)
RELATIVE_URLS = False

PATH = str(ROOT / "content")
OUTPUT_PATH = str(ROOT / "output")
CACHE_PATH = str(ROOT / ".cache")
THEME = str(ROOT / "theme")

TIMEZONE = "Europe/London"
DEFAULT_LANG = "en-GB"
LOCALE = ("en_GB.UTF-8", "C.UTF-8", "")
DEFAULT_DATE_FORMAT = "%-d %B %Y"
DEFAULT_PAGINATION = 10

# Clean, stable URLs without dates: /first-aid/how-to-do-cpr/
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "extra"]
EXTRA_PATH_METADATA = {
    "extra/favicon.ico": {"path": "favicon.ico"},
    "extra/favicon.svg": {"path": "favicon.svg"},
}
ARTICLE_URL = "{category}/{slug}/"
ARTICLE_SAVE_AS = "{category}/{slug}/index.html"
# Other language versions live under the language's own folder, beside that language's
# home page and sections: /cy/first-aid/burns-and-scalds/. An article that has no English
# version keeps the plain URL (the languages plugin; docs/decisions.md).
ARTICLE_LANG_URL = "{lang}/{category}/{slug}/"
ARTICLE_LANG_SAVE_AS = "{lang}/{category}/{slug}/index.html"
PAGE_LANG_URL = "{lang}/{slug}/"
PAGE_LANG_SAVE_AS = "{lang}/{slug}/index.html"
DRAFT_URL = "drafts/{category}/{slug}/"
DRAFT_SAVE_AS = "drafts/{category}/{slug}/index.html"
DRAFT_LANG_URL = "drafts/{lang}/{category}/{slug}/"
DRAFT_LANG_SAVE_AS = "drafts/{lang}/{category}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "{slug}/"
CATEGORY_SAVE_AS = "{slug}/index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = "categories/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
AUTHORS_URL = "authors/"
AUTHORS_SAVE_AS = "authors/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
# Year/month archives would put dates into URLs; we do not publish them.
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
SLUGIFY_SOURCE = "basename"
DIRECT_TEMPLATES = ["index", "categories", "tags", "authors", "archives", "404", "robots", "search"]
# reader_features: the search page (Pagefind UI with JavaScript, section list without).
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
# robots.txt is a theme template so its Sitemap line carries the absolute SITEURL.
ROBOTS_SAVE_AS = "robots.txt"
TEMPLATE_PAGES: dict[str, str] = {}

# The Content-Security-Policy every page carries in a <meta> element (theme/templates/base.html),
# so readers are protected on every host. deploy/sharewell-site.conf sends the same policy as
# a header, plus frame-ancestors 'none' (which only works as a header); a test keeps them equal.
# No inline or third-party scripts; 'wasm-unsafe-eval' lets Pagefind compile its WebAssembly
# (no eval()); inline styles because Markdown tables write style="text-align: ...".
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self' https:"
)

# Titles may contain quotes, `<script>` or right-to-left text: escape everything
# by default; only the rendered, checked article body is printed with `|safe`.
# Writer metadata is text: no field is rendered as Markdown/HTML (content_guard makes the
# summary HTML that shows exactly what was written).
FORMATTED_FIELDS: list[str] = []
# Interface strings are translated with gettext catalogs (theme/translations/<lang>/...),
# read by the kernel's Jinja i18n extension in the page's language (kernel/i18n.py).
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "autoescape": True,
    "extensions": ["kernel.i18n.ThemeTranslations"],
    # Pelican makes a new environment for every build (autoreload included), so a template
    # cannot change under it; without this, Jinja stats each included file on every page.
    "auto_reload": False,
}


def canonical_path(output_file: str | None) -> str:
    """Return the public URL path of an output file: "first-aid/index.html" -> "first-aid/"."""
    return re.sub(r"(^|/)index\.html$", r"\1", output_file or "")


# A named function, not a lambda: Pelican's content cache pickles the settings with the content.
JINJA_FILTERS = {"canonical_path": canonical_path}

# Feeds: full site and per category, Atom and RSS. Absolute links need SITEURL.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
# One feed per language (feeds/all-cy.atom.xml); every page links its own language's feed.
TRANSLATION_FEED_ATOM = "feeds/all-{lang}.atom.xml"
TRANSLATION_FEED_RSS = "feeds/all-{lang}.rss.xml"
RSS_FEED_SUMMARY_ONLY = True

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {"permalink": False},
        "markdown.extensions.smarty": {},
    },
    "output_format": "html5",
}

# Pelican's content cache (docs/performance.md): a rebuild reads only the files that changed.
# The kernel throws it away when settings, plugins or their code change (kernel.cache), so it
# is safe with every plugin; publishconf.py turns it off (a release is built from scratch).
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"

PLUGIN_PATHS = [str(ROOT / "plugins")]
PLUGINS = [
    "pelican.plugins.sitemap",
    # Our plugins never import each other and work in any order: they meet through the
    # kernel's content sets, signals and typed content attributes (docs/architecture.md).
    "content_guard",
    "scheduling",
    "languages",  # language versions, hreflang, clean URLs, /cy/ listings (after scheduling)
    "health_review",
    "share_snippets",
    "og_cards",
    "link_keeper",
    "reader_features",
    "content_images",  # phone-sized AVIF/WebP copies of content images, real width/height
    "theme_assets",  # hashed CSS/JS names and the inlined first-screen CSS (theme templates)
    "editors_desk",
]

SITEMAP = {
    "format": "xml",
    # Not pages for search engines: the 404 page, robots.txt, editors' tools.
    "exclude": [
        r"^/?404\.html$",
        r"^/?robots\.txt$",
        r"^/?_desk/",
        r"^/?share-kit/",
        r"^/?search/",
        # The same pages of each language site (/cy/404.html, /cy/search/).
        r"^/?[a-z]{2,3}(-[A-Za-z0-9]+)*/(404\.html|search/)",
    ],
    "priorities": {"articles": 0.8, "indexes": 0.5, "pages": 0.5},
    "changefreqs": {"articles": "monthly", "indexes": "daily", "pages": "monthly"},
}

# Languages: each gets its own home page, sections, topics, archives, search and 404 page
# under /<lang>/ (the languages plugin), its interface from theme/translations.
LANGUAGES_SITES = ["cy"]
# Section (category) names in other languages, by category slug: site structure that the
# theme, the cards and the structured data all show.
SHAREWELL_SECTION_NAMES = {
    "cy": {
        "first-aid": "Cymorth cyntaf",
        "event-medical": "Gofal meddygol mewn digwyddiadau",
        "ambulance-and-clinical": "Ambiwlans a gwasanaethau clinigol",
        "training": "Hyfforddiant",
        "living-well": "Byw'n dda",
    },
    "ur": {
        "first-aid": "ابتدائی طبی امداد",
        "event-medical": "تقریبات میں طبی سہولت",
        "ambulance-and-clinical": "ایمبولینس اور طبی خدمات",
        "training": "تربیت",
        "living-well": "صحت مند زندگی",
    },
}

# Navigation shown in the header and footer (pages by slug).
MENU_CATEGORIES = True
FOOTER_PAGES = [
    "about",
    "editorial-policy",
    "medical-disclaimer",
    "privacy",
    "accessibility",
    "contact",
]
EMERGENCY_NOTICE = "In an emergency call 999."
ORGANISATION = {
    "name": "Sharewell",
    "legal_name": "Sharewell Health Information",
    "email": "hello@sharewell.org.uk",
    "logo": "theme/images/logo.png",
}

# og_cards: one colour per section on the cards (labels darkened to 4.5:1 where needed).
OG_CARDS_CATEGORY_COLOURS = {
    "first-aid": "#b3261e",
    "event-medical": "#a34a00",
    "ambulance-and-clinical": "#005eb8",
    "training": "#4b2a7f",
    "living-well": "#00703c",
}

# health_review: clinicians who sign off health advice (`reviewed_by: <key>` in
# an article). See plugins/health_review/README.md for every HEALTH_REVIEW_* setting.
HEALTH_REVIEW_REVIEWERS = {
    "dr-amira-khan": {"name": "Dr Amira Khan", "role": "Consultant in Emergency Medicine"},
    "sam-okafor": {"name": "Sam Okafor", "role": "Registered Paramedic"},
    "helen-byrne": {"name": "Helen Byrne", "role": "Clinical Nurse Specialist"},
    "dr-owen-jones": {"name": "Dr Owen Jones", "role": "General Practitioner"},
}
HEALTH_REVIEW_NATION = "england"  # urgent-card wording: england, wales, scotland, northern-ireland

# Writers: the author used by `invoke new` when git has no user.name.
DEFAULT_NEW_AUTHOR = "Sharewell editorial team"

# content_guard: site-local metadata keys writers may use (each plugin declares its own).
CONTENT_GUARD_KNOWN_KEYS: list[str] = []
# The site's sections: {folder under content/articles/: the name writers put in Category}.
# An article's Category must be its folder's section; a new section is added here (and
# gets a card colour above).
CONTENT_GUARD_SECTIONS = {
    "first-aid": "First aid",
    "event-medical": "Event medical",
    "ambulance-and-clinical": "Ambulance and clinical",
    "training": "Training",
    "living-well": "Living well",
}

# editors_desk: private dashboard at /_desk/ (dev only; publishconf.py turns it off).
EDITORS_DESK_ENABLED = True
EDITORS_DESK_DOMAIN = "sharewell.org.uk"  # the domain link previews print

# "Today" for scheduling and review dates (the one clock, kernel.clock): None means the
# real date in TIMEZONE. The environment variable SHAREWELL_TODAY=YYYY-MM-DD overrides it,
# as does `pelican -e SHAREWELL_TODAY='"2027-01-10"'`.
SHAREWELL_TODAY = None
