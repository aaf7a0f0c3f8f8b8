"""The content-addressed cache: keys follow their inputs, entries are whole, nothing is kept without a folder."""

from generator.cache import Cache, content_key


def test_key_changes_with_any_input_and_with_how_inputs_split():
    assert content_key("a", "b") == content_key("a", "b")
    assert content_key("a", "b") != content_key("a", "c")
    assert content_key("ab", "c") != content_key("a", "bc")
    assert content_key(b"x") == content_key("x")


def test_entries_survive_between_instances_and_are_made_once(tmp_path):
    made = []
    first = Cache(tmp_path, "pages")
    assert first.get_or_make(content_key("p"), lambda: made.append(1) or b"<html>") == b"<html>"
    again = Cache(tmp_path, "pages")
    assert again.get_or_make(content_key("p"), lambda: made.append(2) or b"other") == b"<html>"
    assert made == [1] and (again.hits, again.misses) == (1, 0)
    assert not list(tmp_path.rglob(".tmp-*"))  # atomic writes leave no temporary files


def test_without_a_folder_nothing_is_remembered(tmp_path):
    cache = Cache(None, "pages")
    cache.put(content_key("p"), b"x")
    assert cache.get(content_key("p")) is None


def test_a_value_kept_as_a_file_is_written_once(tmp_path):
    cache = Cache(tmp_path, "downloads")
    path = cache.keep(b"%PDF")
    assert path.read_bytes() == b"%PDF" and cache.keep(b"%PDF") == path
    stamp = path.stat().st_mtime_ns
    assert Cache(tmp_path, "downloads").keep(b"%PDF").stat().st_mtime_ns == stamp  # not rewritten
    assert cache.keep(b"other") != path
    assert Cache(None, "downloads").keep(b"%PDF") == b"%PDF"  # no folder: the bytes themselves
    made = []
    again = Cache(tmp_path, "word")
    first = again.file(content_key("d"), lambda: made.append(1) or b"docx")
    assert again.file(content_key("d"), lambda: made.append(2) or b"other") == first
    assert made == [1] and first.read_bytes() == b"docx" and (again.hits, again.misses) == (1, 1)
