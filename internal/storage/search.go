package storage

import (
	"context"
	"slices"
	"strings"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

// Search by word (issue 15): person_words (migration 00030) holds the words
// of every person's search key, and a search looks each word the user
// typed up by its beginning in that table's index, instead of scanning
// every search key in scope.

// wordSeps are the characters besides the space that a search key splits
// at into words: in e-mail addresses, hyphenated and other names. Others
// stay inside their word. Migration 00030 splits at the same.
const wordSeps = `.,;:@-_+'"()/&`

// searchWords splits folded text into words as person_words holds them.
func searchWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || strings.ContainsRune(wordSeps, r) })
}

// personWords are the distinct words of a search key, as person_words
// holds them for its person.
func personWords(searchKey string) []string {
	ws := searchWords(searchKey)
	slices.Sort(ws)
	return slices.Compact(ws)
}

// sqlString quotes s as an SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// wordSplitSQL is, per engine, the statement that writes the words of the
// persons p that a condition (the %s) selects, split as searchWords splits,
// each with its person's sort key and unit path (migration 00037).
// SQLite has no split: the key, its separators made spaces, becomes a JSON
// array (json_quote escapes what JSON must, and a space is never part of
// an escape) that json_each takes apart. In the primary key's order, many
// words (a register's first load) are written in half the time; GROUP BY
// drops a person's repeated words in the same sort (DISTINCT would take a
// second). At a million members this took 17 s of CPU where a recursive
// split took 39 (sqlite3 shell).
var wordSplitSQL = func() map[Dialect]string {
	key := "p.search_key"
	for _, r := range wordSeps {
		key = "replace(" + key + ", " + sqlString(string(r)) + ", ' ')"
	}
	return map[Dialect]string{
		SQLite: `INSERT INTO person_words (word, sort_key, person_id, unit_path) SELECT w.value, p.sort_key, p.id, p.unit_path FROM persons p,
			json_each('[' || replace(json_quote(` + key + `), ' ', '","') || ']') AS w
			WHERE w.value <> '' AND %s GROUP BY w.value, p.sort_key, p.id ORDER BY w.value, p.sort_key, p.id`,
		Postgres: `INSERT INTO person_words (word, sort_key, person_id, unit_path) SELECT DISTINCT w.word, p.sort_key, p.id, p.unit_path FROM persons p,
			unnest(string_to_array(translate(p.search_key, ` + sqlString(wordSeps) + `, ` + sqlString(strings.Repeat(" ", len(wordSeps))) + `), ' ')) AS w(word)
			WHERE w.word <> '' AND %s ORDER BY w.word, p.sort_key, p.id`,
	}
}()

// wordsRefresh returns the statements that write afresh the words of the
// persons p that cond selects (with the arguments the caller passes to
// each), for callers that run statements their own way.
func wordsRefresh(d Dialect, cond string) []string {
	return []string{
		`DELETE FROM person_words WHERE person_id IN (SELECT p.id FROM persons p WHERE ` + cond + `)`,
		strings.Replace(wordSplitSQL[d], "%s", "("+cond+")", 1),
	}
}

// refreshWords writes afresh the words of the persons p that cond selects,
// in the caller's transaction: every writer of search_key calls it (or
// runs wordsRefresh) after writing the key.
func refreshWords(ctx context.Context, ex execer, d Dialect, cond string, args ...any) error {
	for _, q := range wordsRefresh(d, cond) {
		if _, err := ex.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// refreshPersonWords writes afresh the words of one person.
func (s *Storage) refreshPersonWords(ctx context.Context, ex execer, id int64) error {
	return refreshWords(ctx, ex, s.dialect, `p.id = $1`, id)
}

// wordTop follows every continuation of a word in byte order (the word
// column sorts byte-wise on both engines): word >= t AND word < t+wordTop
// is every word that begins with t.
const wordTop = "\U0010FFFF"

// searchTerms turns what the user typed into the terms every one of which
// a person's search key must hold: folded, a leading +47 dropped as the
// key drops it, and digits typed in groups ("912 34 567") joined as the
// key holds a mobile number. At most five.
func searchTerms(q string) []string {
	var terms []string
	digits := func(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
	for _, w := range strings.Fields(norway.Fold(q)) {
		w = strings.TrimPrefix(w, "+47")
		if w == "" {
			continue
		}
		if n := len(terms); n > 0 && digits(w) && digits(terms[n-1]) {
			terms[n-1] += w
			continue
		}
		terms = append(terms, w)
	}
	return terms[:min(len(terms), 5)]
}

// SearchPersons finds persons the user may read (personScope: a member
// with an open employment at a workplace in the user's scope too) whose
// name, e-mail or mobile has a word beginning with each word of q
// (case-insensitive, æøå-aware), looked up in person_words. A word typed
// with a separator in it ("ola.nordmann@ex", "anne-lise") must also
// appear as typed. Unlike the scan of search_key before, a word is not
// found by a part in its middle ("ordmann", "4567").
func (s *Storage) SearchPersons(ctx context.Context, u *access.Principal, q string, limit int) ([]*model.Person, error) {
	var words, typed []string // typed: the terms that must also appear as typed
	for _, term := range searchTerms(q) {
		ws := searchWords(term)
		words = append(words, ws...)
		if len(ws) != 1 || ws[0] != term {
			typed = append(typed, term)
		}
	}
	if len(words) == 0 {
		return nil, nil // nothing to look up by (only separators)
	}
	scope := u.Scope(access.PersonRead)
	// The word plan reads everyone who has the word, wherever they are:
	// for a user who sees part of the union its time would tell of persons
	// outside their scope. Only a union-wide reader, who has no outside,
	// gets it; the others' search costs what their scope holds.
	rare := -1
	if u.UnionWide(access.PersonRead) {
		var err error
		if rare, err = s.rareWord(ctx, scope, words); err != nil {
			return nil, err
		}
	}
	if rare >= 0 {
		// Sorted without DISTINCT, both engines keep only the first rows
		// (at a million members "hansen" took 60 ms of SQLite's CPU with
		// DISTINCT, 23 without). A person comes once per word of theirs
		// that begins with the rare one, next to each other in the order:
		// four rows a person are the first limit persons but where some
		// have more such words, and then the search runs again, exact.
		rows := 4 * limit
		query, a := searchQuery(s.dialect, u, words, typed, rare, rows, false)
		ps, err := s.queryPersons(ctx, u, query, a...)
		if err != nil {
			return nil, err
		}
		n := len(ps)
		ps = slices.CompactFunc(ps, func(a, b *model.Person) bool { return a.ID == b.ID })
		if len(ps) >= limit || n < rows {
			return ps[:min(limit, len(ps))], nil
		}
	}
	query, a := searchQuery(s.dialect, u, words, typed, rare, limit, true)
	return s.queryPersons(ctx, u, query, a...)
}

// searchQuery is SearchPersons' query on engine d of the persons u may
// read who have words (all but the rare one, which a union-wide reader's
// search runs from when it is not -1) and the typed terms, the first limit
// of them; from the rare word, unless distinct, the first limit rows, a
// person once for each of their words that begins with it.
func searchQuery(d Dialect, u *access.Principal, words, typed []string, rare, limit int, distinct bool) (string, access.Args) {
	scope := u.Scope(access.PersonRead)
	unionWide := u.UnionWide(access.PersonRead)
	var a access.Args
	lo, hi := make([]string, len(words)), make([]string, len(words))
	for i, w := range words {
		lo[i], hi[i] = a.Add(w), a.Add(w+wordTop)
	}
	// exists is how a condition about one person is asked: a reader who
	// is not union-wide has each person in their scope looked up.
	exists := func(sub string) string { return `EXISTS (` + sub + `)` }
	if !unionWide {
		exists = perPerson
	}
	var likes []string
	for _, term := range typed {
		likes = append(likes, a.Add("%"+escapeLike(term)+"%"))
	}
	// hasBut(skip) is the condition that the person whose id is in the
	// column id has a word beginning with each of words but words[skip]
	// (none skipped when it is -1), and the typed terms in their search key.
	hasBut := func(skip int) func(id string) string {
		return func(id string) string {
			var cs []string
			for i := range words {
				if i != skip {
					cs = append(cs, exists(`SELECT 1 FROM person_words w WHERE w.person_id = `+id+` AND w.word >= `+lo[i]+` AND w.word < `+hi[i]))
				}
			}
			for _, l := range likes {
				like := `search_key LIKE ` + l + ` ESCAPE '\'`
				if id == "p.id" { // on the person's own row
					cs = append(cs, `p.`+like)
				} else {
					cs = append(cs, exists(`SELECT 1 FROM persons k WHERE k.id = `+id+` AND k.`+like))
				}
			}
			return strings.Join(cs, " AND ")
		}
	}
	from := `persons p`
	var conds []string
	switch {
	case !unionWide:
		// Everyone the user may open (personScope), with an open
		// employment at a workplace in scope too, the words checked on
		// the way through the scope; the first found are chosen there by
		// their sort key, so that only they are read again (joined with
		// all who were found, PostgreSQL would read every person).
		conds = append(conds, `p.id IN (SELECT id FROM (`+scopedSearch(d, scope, &a, words, lo, hi, hasBut)+
			employedInReach(d, u, &a, hasBut(-1))+`) r ORDER BY sort_key, id LIMIT `+a.Add(limit)+`)`)
	case rare >= 0:
		// The first persons by name among those who have the rare word,
		// from the primary key (word, sort_key, person_id) alone: only
		// they are read from persons. No filter by unit: the reader's
		// scope holds everyone, and SQLite would read the words by unit.
		sel := `SELECT`
		if distinct {
			sel = `SELECT DISTINCT`
		}
		from = `(` + sel + ` pw.sort_key, pw.person_id FROM person_words pw WHERE pw.word >= ` + lo[rare] + ` AND pw.word < ` + hi[rare] +
			andCond(hasBut(rare), "pw.person_id") +
			` ORDER BY pw.sort_key, pw.person_id LIMIT ` + a.Add(limit) + `) f JOIN persons p ON p.id = f.person_id`
	default:
		conds = append(conds, scope.FilterAt("p.unit_path", "p.workplace_id", &a), hasBut(-1)("p.id"))
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, " AND ")
	}
	query := `SELECT ` + personColumns + ` FROM ` + from + where + ` ORDER BY p.sort_key, p.id LIMIT ` + a.Add(limit)
	return query, a
}

// scopedSearch is the query of the id and sort key of the persons in the
// scope's units and at its workplaces (the persons u may read in their
// own right) who have a word beginning with each of words, lo and hi
// their bounds, and for whom hasBut(i) holds but for the word i.
// The subtrees' persons come from person_words_place, unit by unit: one
// word is looked up in each unit of the scope (the longest, as likely
// the rarest: a choice made from what was typed alone), its persons
// checked for the others, so the search costs the scope's units and the
// persons there who have that word, whatever is outside. The scope's
// own workplaces are few persons, each checked.
func scopedSearch(d Dialect, scope access.Scope, a *access.Args, words, lo, hi []string, hasBut func(int) func(string) string) string {
	var parts []string
	if len(scope.Paths) > 0 {
		lead := 0
		for i, w := range words {
			if len(w) > len(words[lead]) {
				lead = i
			}
		}
		seek := `pw.unit_path = o.path AND pw.word >= ` + lo[lead] + ` AND pw.word < ` + hi[lead] + andCond(hasBut(lead), "pw.person_id")
		units := scope.Filter("o.path", a)
		if d == Postgres {
			// LATERAL, fenced: a seek per unit. PostgreSQL would rather
			// read everyone who has the word and join the units.
			parts = append(parts, `SELECT f.person_id AS id, f.sort_key AS sort_key FROM org_units o CROSS JOIN LATERAL
				(SELECT pw.person_id, pw.sort_key FROM person_words pw WHERE `+seek+` OFFSET 0) f WHERE `+units)
		} else {
			// CROSS JOIN keeps SQLite in this order.
			parts = append(parts, `SELECT pw.person_id AS id, pw.sort_key AS sort_key FROM org_units o CROSS JOIN person_words pw WHERE `+units+` AND `+seek)
		}
	}
	if len(scope.Workplaces) > 0 {
		parts = append(parts, `SELECT p.id AS id, p.sort_key AS sort_key FROM persons p WHERE `+
			access.Scope{Workplaces: scope.Workplaces}.FilterAt("", "p.workplace_id", a)+andCond(hasBut(-1), "p.id"))
	}
	if len(parts) == 0 { // an empty scope: the words' arguments are still used
		return `SELECT p.id AS id, p.sort_key AS sort_key FROM persons p WHERE 1 = 0` + andCond(hasBut(-1), "p.id")
	}
	return strings.Join(parts, " UNION ")
}

// rareWord picks how a union-wide reader's search is run: from the
// persons who have the word it returns (its index in words), when fewer
// have it than there are persons in the scope, or else (-1) from the
// persons in the scope, checking each for the words. SQLite keeps no
// statistics to choose by. The choice is made from counts alone; what is
// found does not depend on it. Counting stops at the scope's size, so it
// costs no more than the search.
func (s *Storage) rareWord(ctx context.Context, scope access.Scope, words []string) (int, error) {
	var a access.Args
	var inScope int64
	err := s.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(c.members + c.other_union + c.non_members), 0) FROM person_counts c WHERE `+
		scope.FilterAt("c.unit_path", "c.workplace_id", &a), a...).Scan(&inScope)
	if err != nil || inScope == 0 {
		return -1, err
	}
	for i, w := range words {
		var n int64
		err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM person_words WHERE word >= $1 AND word < $2 LIMIT $3) w`,
			w, w+wordTop, inScope).Scan(&n)
		if err != nil || n < inScope {
			return i, err
		}
	}
	return -1, nil
}
