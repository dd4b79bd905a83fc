"""Nothing a writer types can run code, leave the site, or replace another page.

- Metadata is text: a value with a script, an event handler or a ``javascript:``/``data:``/
  ``vbscript:`` address is an error; the summary (shown as text everywhere) may hold no HTML.
- The body may hold HTML, but nothing that runs code or embeds other pages, and no link or
  image with an unsafe address — inline, reference-style (``[x][1]`` / ``[1]: …``),
  autolinks or raw HTML. Such a file is left out of the build: publishing it would put the
  script in front of readers.
- Body images stay in the content folder (no ``..``, no paths of a computer); a site-root
  picture (``/images/x.png``) that is not in ``content/`` is an error that keeps the page, and
  so is a picture from another website (Markdown or HTML ``src``/``srcset``/``poster``): the
  page would ask a third party for it, and the Content-Security-Policy blocks it anyway.
- ``save_as`` and ``url`` come together, match each other and stay inside the output folder
  (collisions with other pages are found when the whole site is known: ``isolation``).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from kernel import markup, outputs, urls
from kernel.problems import Problem
from kernel.signals import SourceFile

SOURCE = "content_guard"
# Metadata checked by their own plugins' rules (dates, sources' `Title | URL`).
_OWN_RULES = frozenset(("sources",))
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_INLINE_LINK = re.compile(r"(?P<image>!?)\[(?:[^\]\\]|\\.)*\]\(\s*<?(?P<target>[^)\s>]*)")
_REFERENCE = re.compile(r"^\s{0,3}\[(?P<label>(?:[^\]\\]|\\.)+)\]:\s*<?(?P<target>[^\s>]+)")
# `![alt][label]`, `![label][]` and `![label]`: pictures whose address is a reference.
_IMAGE_REFERENCE = re.compile(r"!\[(?P<alt>(?:[^\]\\]|\\.)*)\](?:\[(?P<label>(?:[^\]\\]|\\.)*)\])?")
_AUTOLINK = re.compile(r"<(?P<target>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>")
_BARE_SCHEME = re.compile(r"\b(?P<target>(?:java|vb)script\s*:|data\s*:\s*[a-z]+/)", re.I)
_ATTR_LIST = re.compile(r"\{:?[^{}\n]*?\bon[a-z]+\s*=[^{}\n]*\}", re.I)
_TAG = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?\s*>")
FIX_BODY = (
    "remove it: articles may use links to web pages (https://), e-mail (mailto:) and phone "
    "numbers (tel:), and images from content/images/, but nothing that runs code"
)


def _masked_body(source: SourceFile) -> list[tuple[int, str]]:
    """Return (line number, text) of the body with code blocks and code spans blanked."""
    lines = source.text.lstrip("\ufeff").splitlines()
    body, in_fence = [], False
    for number in range(source.header.body_start, len(lines) + 1):
        line = lines[number - 1]
        if _FENCE.match(line):
            in_fence = not in_fence
            body.append((number, ""))
            continue
        text = "" if in_fence else _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        body.append((number, text))
    return body


def _body_problem(source: SourceFile, line: int, what: str, snippet: str) -> Problem:
    return Problem(
        source.display, "body", f"the text contains {what}: `{snippet}`", FIX_BODY,
        line=line, source=SOURCE, excludes=True,
    )  # fmt: skip


def _label(text: str) -> str:
    """Return a reference label as Markdown matches it (case and spacing ignored)."""
    return " ".join(text.split()).casefold()


def _remote_image_problem(source: SourceFile, line: int, target: str) -> Problem:
    # Not left out: the page is fine without the picture, but a strict build fails until
    # the picture is ours, so no published page asks another site for a file.
    return Problem(
        source.display, "image",
        f"the picture `{target}` is on another website: every reader's browser would ask "
        "that site for it (telling it who reads this page), and the site's security policy "
        "blocks it, so readers would see a broken image",
        "save the picture (if its licence allows) in content/images/ and write "
        "`![What it shows]({static}/images/name.png)`; credit the source in the text",
        line=line, source=SOURCE,
    )  # fmt: skip


def _image_path_problem(target: str) -> str | None:
    value = unquote(target.strip())
    for prefix in ("{static}", "{attach}"):
        if value.startswith(prefix):
            value = value[len(prefix) :].lstrip("/")
            break
    if ".." in re.split(r"[\\/]", value):
        return "goes up out of the content folder (`..`)"
    if value.startswith(("\\", "~")) or re.match(r"^[A-Za-z]:[\\/]", value):
        return "is an absolute path on a computer, not a picture in content/images/"
    return None


def _missing_image(target: str, content_root: Path) -> bool:
    """Return whether a site-root picture (``/images/x.png``) is not in the content folder.

    Such a picture is a broken image on the page, not a file from elsewhere (nothing reads
    it), so it is an error that keeps the page.
    """
    value = unquote(target.strip())
    if not value.startswith("/") or value.startswith("//"):  # `//host/x`: another site's
        return False
    file = (content_root / value.lstrip("/")).resolve()
    return not (file.is_file() and file.is_relative_to(content_root.resolve()))


def check_body(source: SourceFile) -> list[Problem]:
    """Return unsafe HTML, unsafe link addresses and images outside the content folder."""
    problems: list[Problem] = []
    root = Path(source.settings.get("PATH") or ".")
    body = _masked_body(source)
    offset = body[0][0] - 1 if body else 0
    fragment = "\n".join(text for _, text in body)
    for unsafe in markup.unsafe_parts(fragment, textual=False):
        problems.append(
            _body_problem(source, (unsafe.line or 1) + offset, unsafe.what, unsafe.snippet)
        )
    picture_labels = {
        _label(m["label"] or m["alt"]) for _, text in body for m in _IMAGE_REFERENCE.finditer(text)
    }
    for number, text in body:
        for attributes in _ATTR_LIST.finditer(text):
            problems.append(
                _body_problem(
                    source, number, "an event handler in `{: …}` attributes", attributes.group(0)
                )
            )
        targets = [(m["target"], bool(m["image"])) for m in _INLINE_LINK.finditer(text)]
        targets += [(m["target"], False) for m in _AUTOLINK.finditer(text)]
        reference = _REFERENCE.match(text)
        if reference:
            targets.append((reference["target"], _label(reference["label"]) in picture_labels))
        for target, image in targets:
            allowed = urls.WEB_SCHEMES if image else urls.LINK_SCHEMES
            scheme = urls.scheme_of(target)
            if scheme is not None and scheme not in allowed:
                kind = "an image" if image else "a link"
                problems.append(
                    _body_problem(source, number, f"{kind} with a `{scheme}:` address", target)
                )
            elif image and markup.is_remote(target):
                problems.append(_remote_image_problem(source, number, target))
            elif image and (why := _image_path_problem(target)):
                problems.append(
                    Problem(
                        source.display, "image", f"the image `{target}` {why}",
                        "put the picture in content/images/ and write "
                        "`![What it shows]({static}/images/name.png)`",
                        line=number, source=SOURCE, excludes=True,
                    )
                )  # fmt: skip
            elif image and _missing_image(target, root):
                problems.append(
                    Problem(
                        source.display, "image",
                        f"the image `{target}` is not a file in the content folder",
                        "put the picture in content/images/ and write "
                        "`![What it shows]({static}/images/name.png)`",
                        line=number, source=SOURCE,
                    )
                )  # fmt: skip
    for remote in markup.remote_sources(fragment):
        problems.append(_remote_image_problem(source, (remote.line or 1) + offset, remote.what))
    if not problems:  # what a browser would still see in broken markup
        for unsafe in markup.sweep(fragment):
            line = (unsafe.line or 1) + offset
            problems.append(_body_problem(source, line, unsafe.what, unsafe.snippet))
    return problems


def check_metadata_text(source: SourceFile) -> list[Problem]:
    """Return metadata values carrying code or unsafe addresses, and HTML in the summary."""
    problems: list[Problem] = []
    for key, found in source.header.fields.items():
        if key in _OWN_RULES:
            continue
        for index, value in enumerate(found.values):
            what = _unsafe_text(value)
            if what:
                problems.append(
                    Problem(
                        source.display, key, f"`{key}` contains {what}",
                        "metadata is plain text shown as written: remove the code or address",
                        line=found.lines[index], source=SOURCE,
                    )
                )  # fmt: skip
                break
            if key == "summary" and (tag := _TAG.search(value)):
                problems.append(
                    Problem(
                        source.display, "summary",
                        f"the summary contains HTML (`{tag.group(0)}`), which would be shown "
                        "as written",
                        "write the summary as one plain sentence, without HTML or Markdown",
                        line=found.lines[index], source=SOURCE,
                    )
                )  # fmt: skip
                break
    return problems


def _unsafe_text(value: str) -> str | None:
    found = markup.unsafe_parts(value)
    if found:
        return f"{found[0].what} (`{found[0].snippet}`)"
    for pattern in (_INLINE_LINK, _AUTOLINK, _BARE_SCHEME):
        for match in pattern.finditer(value):
            target = match["target"]
            scheme = urls.scheme_of(target.replace(" ", ""))
            if scheme is not None and scheme not in urls.LINK_SCHEMES:
                return f"a `{scheme}:` address (`{target}`)"
    return None


def check_output_fields(source: SourceFile) -> list[Problem]:
    """Return a ``save_as``/``url`` that is unsafe, given alone, or not matching the other."""
    header = source.header
    save_as, url = header.first("save_as"), header.first("url")
    problems = []
    for key, value in (("save_as", save_as), ("url", url)):
        if value is None:
            continue
        why = outputs.path_problem(value.strip(), key)
        if why:
            problems.append(
                source.problem(
                    key, f"`{key}: {value}` {why}",
                    "remove the line to use the normal address (recommended), or write a "
                    "folder address such as `url: first-aid/cpr/` with "
                    "`save_as: first-aid/cpr/index.html`",
                    source=SOURCE, excludes=True,
                )
            )  # fmt: skip
    if problems or (save_as is None and url is None):
        return problems
    generated = outputs.generated_paths(source.settings)
    for key, value in (("save_as", save_as), ("url", url)):
        if value is None:
            continue
        place = value.strip() if key == "save_as" else _save_as_of(value.strip())
        claim = generated.claimed_by(place)
        if claim:
            return [
                source.problem(
                    key, f"`{key}: {value}` would replace {claim}, which the build makes",
                    "remove `save_as` and `url` to use the normal address",
                    source=SOURCE, excludes=True,
                )
            ]  # fmt: skip
    if save_as is None or url is None:
        given, missing = ("save_as", "url") if url is None else ("url", "save_as")
        value = (save_as if url is None else url).strip()
        pair = outputs.url_of(value) if given == "save_as" else _save_as_of(value)
        return [
            source.problem(
                given, f"`{given}` is set without `{missing}`, so links to the page would not "
                "find it", f"add `{missing}: {pair}`, or remove `{given}`",
                source=SOURCE, excludes=True,
            )
        ]  # fmt: skip
    if outputs.url_of(save_as.strip()) != url.strip():
        return [
            source.problem(
                "url", f"`url: {url}` and `save_as: {save_as}` name different places",
                f"write `url: {outputs.url_of(save_as.strip())}` to match `save_as`",
                source=SOURCE, excludes=True,
            )
        ]  # fmt: skip
    return []


def _save_as_of(url: str) -> str:
    return url + "index.html" if url.endswith("/") else url


def check_source(source: SourceFile) -> list[Problem]:
    """Return every safety problem of one file."""
    return [
        *check_output_fields(source),
        *check_metadata_text(source),
        *check_body(source),
    ]
