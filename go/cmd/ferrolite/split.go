package main

import "strings"

// splitStatements cuts SQL text into statements at top-level semicolons,
// skipping those inside quotes ('..', "..", `..`, [..]) and comments, and
// keeping CREATE TRIGGER bodies (BEGIN ... END) whole. Lines starting with
// "." outside a statement are shell dot-commands and come back on their own.
func splitStatements(src string) []string {
	var out []string
	var cur strings.Builder
	depth := 0 // BEGIN..END nesting inside CREATE TRIGGER
	flush := func() {
		s := strings.TrimSpace(cur.String())
		if s != "" {
			out = append(out, s)
		}
		cur.Reset()
		depth = 0
	}
	for i := 0; i < len(src); {
		c := src[i]
		if strings.TrimSpace(cur.String()) == "" && c == '.' && (i == 0 || src[i-1] == '\n') {
			end := strings.IndexByte(src[i:], '\n')
			if end < 0 {
				end = len(src) - i
			}
			out = append(out, strings.TrimSpace(src[i:i+end]))
			cur.Reset()
			i += end
			continue
		}
		switch {
		case c == '\'' || c == '"' || c == '`' || c == '[':
			closer := c
			if c == '[' {
				closer = ']'
			}
			j := i + 1
			for j < len(src) && src[j] != closer {
				j++
			}
			if j < len(src) {
				j++
			}
			cur.WriteString(src[i:j])
			i = j
			continue
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				j = len(src) - i
			}
			i += j
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			j := strings.Index(src[i+2:], "*/")
			if j < 0 {
				i = len(src)
			} else {
				i += j + 4
			}
			continue
		case c == ';':
			if depth == 0 || !isTrigger(cur.String()) {
				flush()
				i++
				continue
			}
		case isWordStart(src, i):
			j := i
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
			w := strings.ToUpper(src[i:j])
			if isTrigger(cur.String()) {
				if w == "BEGIN" || w == "CASE" {
					depth++
				} else if w == "END" && depth > 0 {
					depth--
				}
			}
			cur.WriteString(src[i:j])
			i = j
			continue
		}
		cur.WriteByte(c)
		i++
	}
	flush()
	return out
}

func isTrigger(stmt string) bool {
	f := strings.Fields(strings.ToUpper(stmt))
	for i, w := range f {
		if i > 3 {
			break
		}
		if w == "TRIGGER" {
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isWordStart(s string, i int) bool {
	return isWordByte(s[i]) && (i == 0 || !isWordByte(s[i-1]))
}
