package main

import (
	"os/exec"
	"strings"
	"testing"
)

var completeCases = []string{
	"", ";", "select 1", "select 1;", "select 1; ", "select 1;\n-- c", "select 1; -- c\n",
	"select ';'", "select ';';", "select \"a;\";", "select [a;b];", "select `a;`;",
	"select 1 /* ; */", "select 1; /* open", "select 'it''s';", "select 'open;",
	"create table t(a);", "create temp table t(a);",
	"create trigger r after insert on t begin select 1;",
	"create trigger r after insert on t begin select 1; end",
	"create trigger r after insert on t begin select 1; end;",
	"CREATE TEMPORARY TRIGGER r AFTER INSERT ON t BEGIN UPDATE t SET a=1; DELETE FROM t; END;",
	"create trigger r after insert on t begin select 1; end; select 2",
	"explain select 1;", "explain create trigger r after insert on t begin select 1; end;",
	"select end from t;", "create index trigger on t(a);",
}

// TestIsCompleteMatchesSqlite3 compares isComplete with real SQLite's
// sqlite3_complete, through Python's sqlite3.complete_statement.
func TestIsCompleteMatchesSqlite3(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Fatal("python3 is required (the reference is SQLite's sqlite3_complete)")
	}
	script := "import sys, sqlite3\nfor s in sys.stdin.read().split('\\x00'):\n    print(1 if sqlite3.complete_statement(s) else 0)\n"
	cmd := exec.Command("python3", "-c", script)
	cmd.Stdin = strings.NewReader(strings.Join(completeCases, "\x00"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Fields(string(out))
	if len(want) != len(completeCases) {
		t.Fatalf("python gave %d answers for %d cases", len(want), len(completeCases))
	}
	for i, sql := range completeCases {
		got := "0"
		if isComplete(sql) {
			got = "1"
		}
		if got != want[i] {
			t.Errorf("isComplete(%q) = %s, SQLite says %s", sql, got, want[i])
		}
	}
}
