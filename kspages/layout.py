"""Where things are: a site's folders and file names, and the URLs of its public pages. Standard library only.

Light on purpose: `kspages new`, the watcher and the command line start from here without loading the pipeline
(Jinja, Markdown, the privacy engine). A page's URL is relative to the site root and ends in "/"; its output file
is `page_file(url)`.
"""

from __future__ import annotations

import hashlib

# A site, relative to its root.
CONTENT = "content"
SETTINGS = "content/site.yaml"
GUIDE = "content/guide"
RECORDS = "content/records"
TEMPLATES = "templates"
ASSETS = "templates/assets"  # copied to the output with a digest in each name (asset_file)
OUTPUT = "output"  # the output folder unless --out says otherwise
CACHE = ".kspages-cache"  # the stamp and the cache
SCHEMA = "schema/record.schema.json"  # the editor schema that `kspages new` and `kspages init` keep current
MANIFEST = ".kspages-manifest.json"  # in the output folder: what kspages wrote, so it prunes nothing else
MANIFEST_PARTS = ".kspages-manifest/"  # beside it: its parts, each file's digest and key by a hash of its path

# Public outputs, relative to the output folder.
SHARDS = "status/shards/"  # lookup shards (robots.txt keeps crawlers out)
SEARCH_TERMS = "search/terms/"  # the search index's term shards (search.py writes and reads them)
FEED = "notices/feed.xml"


# Hidden files and what editors leave while they save (vim's 4913 probe and .swp, JetBrains' ___jb_tmp___, gedit's
# .goutputstream, emacs' .#lock and #auto-save#, backups): never a source. The build's listings and the watcher
# share this rule, so that a file the watcher does not report is one no build reads.
LEFTOVER_PREFIXES = (".", "#", "~")
LEFTOVER_SUFFIXES = (".swp", ".swx", ".swo", ".tmp", "~", ".part", ".crdownload", ".kate-swp", "___jb_tmp___",
                     "___jb_old___", ".bak", ".orig")
LEFTOVER_NAMES = frozenset({"4913"})


def is_leftover(name: str) -> bool:
    """Whether a file or folder name is hidden or an editor's leftover (see LEFTOVER_PREFIXES)."""
    return name.startswith(LEFTOVER_PREFIXES) or name.endswith(LEFTOVER_SUFFIXES) or name in LEFTOVER_NAMES


def page_file(url: str) -> str:
    """Output file of a page URL: guide/x/ -> guide/x/index.html; "" (the home page) -> index.html."""
    return url + "index.html"


def guide_url(slug: str) -> str:
    """URL of a guide page."""
    return f"guide/{slug}/"


def notice_url(number: str) -> str:
    """URL of a published notice (or of its tombstone once withdrawn), from the canonical complaint number."""
    return f"notices/{number}/"


def archive_url(k: int) -> str:
    """URL of notice archive page k, numbered from the oldest notice."""
    return f"notices/archive/{k}/"


def shop_url(name: str) -> str:
    """URL of a merchant's page: a digest of its name (Chinese names make poor URLs)."""
    return f"shops/{hashlib.sha256(name.encode('utf-8')).hexdigest()[:10]}/"


def shard_file(name: str) -> str:
    """Output file of the lookup shard with a hex name."""
    return f"{SHARDS}{name}.json"


def open_data_file(month: str, kind: str) -> str:
    """Output file of one month's open data ('YYYY-MM'; kind "json" or "csv")."""
    return f"data/notices-{month}.{kind}"


def asset_file(name: str, data: bytes) -> str:
    """Output file of an asset with a digest of its bytes: style.css -> assets/style.1a2b3c4d5e.css."""
    stem, dot, suffix = name.rpartition(".")
    digest = hashlib.sha256(data).hexdigest()[:10]
    return f"assets/{stem}.{digest}.{suffix}" if dot and "/" not in suffix else f"assets/{name}.{digest}"
