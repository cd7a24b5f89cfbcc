package driver

import "testing"

func TestSchemaChanging(t *testing.T) {
	yes := []string{"CREATE TABLE t(x)", "  drop table t", "-- c\n/* d */ ALTER TABLE t ADD y", ";rollback", "PRAGMA user_version=3", "Vacuum", "release sp"}
	no := []string{"SELECT 1", "INSERT INTO t VALUES (1)", "-- only a comment", "/* unterminated", "", "WITH x AS (SELECT 1) SELECT * FROM x", "createx"}
	for _, s := range yes {
		if !schemaChanging(s) {
			t.Errorf("schemaChanging(%q) = false", s)
		}
	}
	for _, s := range no {
		if schemaChanging(s) {
			t.Errorf("schemaChanging(%q) = true", s)
		}
	}
}
