"""kb serve's memory of records between builds: reused only for the very same record in the same context."""

from types import SimpleNamespace

from generator.memo import RecordMemo, remember


def test_a_value_is_reused_only_for_the_same_record_object_in_the_same_context():
    memo, made = RecordMemo(), []
    record = SimpleNamespace(id="a", title="网格")

    def make(r):
        return lambda: made.append(r.title) or r.title + "!"

    assert memo.get("row", record, "湖南省", make(record)) == "网格!"
    assert memo.get("row", record, "湖南省", make(record)) == "网格!" and made == ["网格"]
    edited = SimpleNamespace(id="a", title="网格化")  # an edited file: a new record object, same id
    assert memo.get("row", edited, "湖南省", make(edited)) == "网格化!"
    assert memo.get("row", edited, "湖南省衡阳市", make(edited)) == "网格化!" and made == ["网格", "网格化", "网格化"]
    assert memo.get("other", edited, "湖南省衡阳市", make(edited)) and len(made) == 4  # kinds are apart
    memo.keep_only([])
    assert memo.get("row", edited, "湖南省衡阳市", make(edited)) and len(made) == 5  # a deleted record is forgotten
    assert remember(None, "row", edited, "", make(edited)) and len(made) == 6  # no memo (kb build): always made


def test_a_template_is_compiled_once_per_process_and_again_when_its_source_changes(monkeypatch):
    from jinja2 import DictLoader, Environment

    memo, sources, compiled = RecordMemo(), {"page.md.j2": "# {{ title }}"}, []
    compile_source = Environment.compile
    monkeypatch.setattr(Environment, "compile", lambda env, *a, **k: compiled.append(a) or compile_source(env, *a, **k))

    def render(title: str) -> str:  # each build makes a new Environment
        return Environment(loader=DictLoader(sources), bytecode_cache=memo.templates).get_template("page.md.j2").render(title=title)

    assert render("网格") == "# 网格" and render("调解") == "# 调解" and len(compiled) == 1
    sources["page.md.j2"] = "## {{ title }}"
    assert render("网格") == "## 网格" and len(compiled) == 2
