"""Reading an HSDS source into records: a JSON file (one object, a list, a page of the API
or a list of pages), a folder (a tabular datapackage of CSV files, or JSON files such as
the mock API's), or the base URL of an HSDS API (every page of /services, fully nested).

A record is one HSDS object of a kind Lotsa imports — service, organization,
service_at_location, taxonomy or taxonomy_term — with where it came from, so that every
problem can be reported against a file and line. Nothing here touches the database."""

from __future__ import annotations

import csv
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import tabular

KINDS = ("service", "organization", "service_at_location", "taxonomy", "taxonomy_term")
# What a file or API path is about, by its name.
NAME_HINTS = (
    ("service_at_location", "service_at_location"),
    ("taxonomy_term", "taxonomy_term"),
    ("taxonom", "taxonomy"),
    ("organi", "organization"),
    ("service", "service"),
)
PAGE_KEYS = {"total_items", "contents"}
ABOUT_KEYS = {"version", "openapi_url"}
API_PAGE_SIZE = 100
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Issue:
    """One thing to tell the person importing: an error stops the run, a warning does not."""

    level: Literal["error", "warning"]
    where: str
    message: str


@dataclass
class Record:
    kind: str
    data: dict[str, Any]
    where: str


@dataclass
class Bundle:
    """What a source holds, before it is checked and mapped onto Lotsa."""

    source: str
    records: list[Record] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    # True for tabular data and HSDS 1.x: ids that are not UUIDs are turned into UUIDs.
    derives_ids: bool = False
    # A page of a larger result is refused unless the person importing says it is meant.
    allow_partial: bool = False

    def error(self, where: str, message: str) -> None:
        self.issues.append(Issue("error", where, message))

    def warning(self, where: str, message: str) -> None:
        self.issues.append(Issue("warning", where, message))


Progress = Callable[[str, int, int | None], None]


def _no_progress(label: str, done: int, total: int | None) -> None:
    return None


def read(source: str, progress: Progress = _no_progress, *, allow_partial: bool = False) -> Bundle:
    """Read SOURCE: an http(s) URL, a folder or a JSON file."""
    if source.startswith(("http://", "https://")):
        return read_api(source, progress)
    path = Path(source)
    bundle = Bundle(source=source, allow_partial=allow_partial)
    if path.is_dir():
        if list(path.glob("*.csv")) or (path / "datapackage.json").exists():
            return read_datapackage(path)
        files = sorted(path.rglob("*.json"))
        if not files:
            bundle.error(source, "The folder holds no CSV or JSON files.")
        for file in files:
            _read_json_file(file, bundle, hint=file.parent.name + "/" + file.name)
        return bundle
    if not path.exists():
        bundle.error(source, "There is no such file or folder.")
        return bundle
    _read_json_file(path, bundle, hint=path.name)
    return bundle


# --- JSON ------------------------------------------------------------------------------------


def _read_json_file(path: Path, bundle: Bundle, hint: str) -> None:
    name = str(path)
    try:
        with path.open(encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError) as exc:
        bundle.error(name, f"The file cannot be read: {exc}.")
        return
    except json.JSONDecodeError as exc:
        bundle.error(name, f"The file is not JSON: {exc.msg} at line {exc.lineno}.")
        return
    if isinstance(data, dict) and data and all(str(key).endswith(".csv") for key in data):
        # The tabular form as JSON (HSDS's own examples/tabular.json): one list per table.
        tables = {
            key: [(f"{name} {key} #{n}", row) for n, row in enumerate(rows, 1)]
            for key, rows in data.items()
            if isinstance(rows, list)
        }
        tabular.records_from_tables(tables, bundle)
        return
    read_json(data, bundle, where=name, hint=hint)


def read_json(data: Any, bundle: Bundle, *, where: str, hint: str = "") -> None:
    """Add the records of one parsed JSON document to `bundle`."""
    if isinstance(data, dict) and set(data) >= ABOUT_KEYS and "id" not in data:
        _check_about(data, bundle, where)
        return
    if isinstance(data, list) and data and all(_is_page(item) for item in data):
        pages = data
    elif _is_page(data):
        pages = [data]
    elif isinstance(data, list):
        for n, item in enumerate(data, 1):
            _add(item, bundle, f"{where} #{n}", hint)
        return
    else:
        _add(data, bundle, where, hint)
        return
    _read_pages(pages, bundle, where, hint)


def _check_about(data: dict[str, Any], bundle: Bundle, where: str) -> None:
    """An API's description (GET /): checked, though it holds no directory data."""
    for key in ("openapi_url", "profile"):
        value = data.get(key)
        if value is None:
            continue
        parts = urllib.parse.urlsplit(str(value))
        if not isinstance(value, str) or not (parts.scheme and parts.netloc):
            bundle.error(where, f"{key}: not an absolute URI.")
    if not isinstance(data.get("version"), str):
        bundle.error(where, "version: the HSDS version must be a string.")
    bundle.warning(where, "The API's description (GET /) holds no directory data.")


def _is_page(value: Any) -> bool:
    return isinstance(value, dict) and set(value) >= PAGE_KEYS


def _read_pages(pages: list[dict[str, Any]], bundle: Bundle, where: str, hint: str) -> None:
    held = 0
    for page in pages:
        contents = page.get("contents")
        if not isinstance(contents, list):
            bundle.error(where, "The page's contents is not a list.")
            return
        number = page.get("page_number", 1)
        for n, item in enumerate(contents, 1):
            _add(item, bundle, f"{where} page {number} #{n}", hint)
        held += len(contents)
    claimed = pages[0].get("total_items")
    if isinstance(claimed, int) and claimed > held:
        message = f"The pages say there are {claimed} items but hold {held}: the dump is incomplete"
        if bundle.allow_partial:
            bundle.warning(where, message + "; its items are imported (--allow-partial).")
        else:
            bundle.error(
                where, message + " (import every page or the API's URL, or say --allow-partial)."
            )
    elif isinstance(claimed, int) and claimed < held:
        bundle.warning(where, f"The pages say there are {claimed} items but hold {held}.")


def kind_of(item: dict[str, Any], hint: str = "") -> str | None:
    """Which kind of HSDS object `item` is: by its file or path name, else by its fields."""
    name = hint.lower()
    for part, kind in NAME_HINTS:
        if part in name:
            return kind
    keys = set(item)
    if "location" in keys and ("service" in keys or "service_id" in keys) and "name" not in keys:
        return "service_at_location"
    if "status" in keys or "service_at_locations" in keys:
        return "service"
    if keys & {"taxonomy", "taxonomy_id", "taxonomy_detail", "term_uri", "parent_id", "code"}:
        return "taxonomy_term"
    if keys & {"website", "legal_status", "tax_status", "organization_identifiers", "services"}:
        return "organization"
    if keys <= {"id", "name", "description", "uri", "version", "metadata"} and "name" in keys:
        return "taxonomy"
    return None


def _add(item: Any, bundle: Bundle, where: str, hint: str) -> None:
    if not isinstance(item, dict):
        bundle.error(where, "An HSDS object must be a JSON object.")
        return
    kind = kind_of(item, hint)
    if kind is None:
        bundle.error(where, "Not an HSDS object Lotsa knows (service, organization …).")
        return
    bundle.records.append(Record(kind, item, where))


# --- a tabular datapackage -------------------------------------------------------------------


def read_datapackage(folder: Path) -> Bundle:
    """The CSV files of a datapackage (those datapackage.json names, else every *.csv)."""
    bundle = Bundle(source=str(folder), derives_ids=True)
    paths = _datapackage_paths(folder, bundle)
    tables: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for path in paths:
        try:
            tables[path.name] = list(_csv_rows(path))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            bundle.error(str(path), f"The file cannot be read as CSV: {exc}.")
    if not bundle.issues:
        tabular.records_from_tables(tables, bundle)
    return bundle


def _datapackage_paths(folder: Path, bundle: Bundle) -> list[Path]:
    descriptor = folder / "datapackage.json"
    if descriptor.exists():
        try:
            resources = json.loads(descriptor.read_text(encoding="utf-8-sig")).get("resources", [])
            paths = [folder / r["path"] for r in resources if isinstance(r.get("path"), str)]
        except (ValueError, AttributeError, TypeError, KeyError):
            bundle.warning(str(descriptor), "datapackage.json cannot be read: reading *.csv.")
        else:
            missing = [p for p in paths if not p.exists()]
            for path in missing:
                bundle.warning(str(path), "datapackage.json names this file; it is not there.")
            found = [
                p for p in paths if p.exists() and p.resolve().is_relative_to(folder.resolve())
            ]
            return found or sorted(folder.glob("*.csv"))
    return sorted(folder.glob("*.csv"))


def _csv_rows(path: Path) -> Iterable[tuple[str, dict[str, Any]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        line = 1
        for row in reader:
            if row:  # a blank line is no row
                # Only the cells with a value: most are empty in HSDS tables.
                yield (
                    f"{path.name} line {line + 1}",
                    {k: v for k, v in zip(header, row, strict=False) if v},
                )
            line = reader.line_num


# --- an HSDS API ---------------------------------------------------------------------------


def _get_json(url: str) -> Any:
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked by the caller
        url, headers={"Accept": "application/json", "User-Agent": "Lotsa import_hsds"}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        return json.loads(response.read().decode("utf-8-sig"))


def read_api(base: str, progress: Progress = _no_progress) -> Bundle:
    """Every service of an HSDS API, fully nested (one page at a time), and its taxonomy
    terms. A server that ignores `full=true` is asked for each service by its id."""
    bundle = Bundle(source=base)
    base = base.rstrip("/")
    if urllib.parse.urlsplit(base).scheme not in {"http", "https"}:
        bundle.error(base, "Only http and https URLs can be read.")
        return bundle
    try:
        services = _all_pages(f"{base}/services", {"full": "true"}, progress, "services")
        if services and not any(_is_nested(item) for item in services):
            fetched = []
            for n, item in enumerate(services, 1):
                key = urllib.parse.quote(str(item.get("id", "")), safe="")
                fetched.append(_get_json(f"{base}/services/{key}"))
                progress("services", n, len(services))
            services = fetched
        for n, item in enumerate(services, 1):
            _add(item, bundle, f"{base}/services #{n}", "service")
        try:
            terms = _all_pages(f"{base}/taxonomy_terms", {}, progress, "taxonomy terms")
        except urllib.error.HTTPError:
            terms = []  # optional in HSDS: the services' attributes carry their terms
        for n, item in enumerate(terms, 1):
            _add(item, bundle, f"{base}/taxonomy_terms #{n}", "taxonomy_term")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        bundle.error(base, f"The API cannot be read: {exc}.")
    return bundle


def _is_nested(item: Any) -> bool:
    return isinstance(item, dict) and bool(
        set(item) & {"service_at_locations", "schedules", "attributes", "phones"}
    )


def _all_pages(url: str, params: dict[str, str], progress: Progress, label: str) -> list[Any]:
    items: list[Any] = []
    firsts: set[str] = set()
    page = 1
    while True:
        query = urllib.parse.urlencode({**params, "page": page, "per_page": API_PAGE_SIZE})
        data = _get_json(f"{url}?{query}")
        if not _is_page(data) or not isinstance(data["contents"], list):
            raise ValueError(f"{url} does not answer with a page of HSDS")
        contents = data["contents"]
        # A server that ignores `page` would answer its first page for ever.
        first = json.dumps(contents[0], sort_keys=True) if contents else ""
        if first in firsts:
            raise ValueError(f"{url} answers the same page again: it ignores page")
        firsts.add(first)
        items += contents
        total_pages, total_items = data.get("total_pages"), data.get("total_items")
        progress(label, len(items), total_items)
        if (
            not contents
            or data.get("last_page") is True
            or (isinstance(total_pages, int) and page >= total_pages)
            or (isinstance(total_items, int) and len(items) >= total_items)
        ):
            return items
        page += 1
