"""The skeleton's commands answer on the built-in corpus."""

import json

from click.testing import CliRunner

from cli import CORPUS_DIR, cli


def test_extract_json_has_the_contract_fields():
    result = CliRunner().invoke(cli, ["extract", str(CORPUS_DIR / "004_bb2807ede5a84bad.txt"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    doc = data["documents"][0]
    for key in ("id", "title", "doc_number", "sections", "targets", "responsibilities", "funding", "citations", "span"):
        assert key in doc
