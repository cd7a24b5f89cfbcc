// complete.go: when does a piece of SQL text end a statement? The shell
// reads its input a line at a time and hands the engine only text that
// ends with a complete statement, as the sqlite3 shell does, so a long
// script costs time in proportion to its length (handing the engine the
// whole rest of the script for every statement was quadratic).
//
// isComplete follows the rule of sqlite3_complete(): the text is complete
// when its last token is a ';' that ends a statement, taking a CREATE
// TRIGGER body (which holds ';'s up to its END) as one statement. Strings,
// quoted identifiers and comments are skipped; an unterminated one makes
// the text incomplete.

package main

import "strings"

// Token classes of the completeness automaton.
const (
	tkSemi = iota
	tkWS
	tkOther
	tkExplain
	tkCreate
	tkTemp
	tkTrigger
	tkEnd
)

// Automaton states: 0 nothing yet, 1 after a statement-ending ';', 2 in a
// statement, 3 after EXPLAIN, 4 after CREATE [TEMP], 5 in a trigger, 6
// after a ';' inside a trigger, 7 after the trigger's END.
var completeNext = [8][8]uint8{
	//  SEMI WS OTHER EXPLAIN CREATE TEMP TRIGGER END
	{1, 0, 2, 3, 4, 2, 2, 2}, // 0
	{1, 1, 2, 3, 4, 2, 2, 2}, // 1
	{1, 2, 2, 2, 2, 2, 2, 2}, // 2
	{1, 3, 3, 2, 4, 2, 2, 2}, // 3
	{1, 4, 2, 2, 2, 4, 5, 2}, // 4
	{6, 5, 5, 5, 5, 5, 5, 5}, // 5
	{6, 6, 5, 5, 5, 5, 5, 7}, // 6
	{1, 7, 5, 5, 5, 5, 5, 5}, // 7
}

func isIdentChar(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 ||
		(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// isComplete reports whether sql ends with a complete statement.
func isComplete(sql string) bool {
	state := uint8(0)
	for i := 0; i < len(sql); {
		tok := tkOther
		c := sql[i]
		switch {
		case c == ';':
			tok = tkSemi
			i++
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			tok = tkWS
			i++
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				return false
			}
			tok = tkWS
			i += 2 + end + 2
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-':
			end := strings.IndexByte(sql[i:], '\n')
			if end < 0 {
				return state == 1
			}
			tok = tkWS
			i += end + 1
		case c == '[' || c == '`' || c == '"' || c == '\'':
			closeCh := c
			if c == '[' {
				closeCh = ']'
			}
			end := strings.IndexByte(sql[i+1:], closeCh)
			if end < 0 {
				return false
			}
			i += 1 + end + 1
		case isIdentChar(c):
			j := i
			for j < len(sql) && isIdentChar(sql[j]) {
				j++
			}
			switch strings.ToLower(sql[i:j]) {
			case "create":
				tok = tkCreate
			case "trigger":
				tok = tkTrigger
			case "temp", "temporary":
				tok = tkTemp
			case "end":
				tok = tkEnd
			case "explain":
				tok = tkExplain
			}
			i = j
		default:
			i++
		}
		state = completeNext[state][tok]
	}
	return state == 1
}
