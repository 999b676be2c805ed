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
// persons p that a condition (the %s) selects, split as searchWords splits.
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
		SQLite: `INSERT INTO person_words (word, person_id) SELECT w.value, p.id FROM persons p,
			json_each('[' || replace(json_quote(` + key + `), ' ', '","') || ']') AS w
			WHERE w.value <> '' AND %s GROUP BY w.value, p.id ORDER BY w.value, p.id`,
		Postgres: `INSERT INTO person_words (word, person_id) SELECT DISTINCT w.word, p.id FROM persons p,
			unnest(string_to_array(translate(p.search_key, ` + sqlString(wordSeps) + `, ` + sqlString(strings.Repeat(" ", len(wordSeps))) + `), ' ')) AS w(word)
			WHERE w.word <> '' AND %s ORDER BY w.word, p.id`,
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
	query, a := searchQuery(u, words, typed, rare, limit)
	return s.queryPersons(ctx, u, query, s.planPerRun(a)...)
}

// searchQuery is SearchPersons' query of the persons u may read who have
// words (all but the rare one, which a union-wide reader's search runs
// from when it is not -1) and the typed terms, the first limit of them.
func searchQuery(u *access.Principal, words, typed []string, rare, limit int) (string, access.Args) {
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
	// has is the condition that the person whose id is in the column id
	// has a word beginning with each of words (the rare one aside) and
	// the typed terms in their search key.
	var likes []string
	for _, term := range typed {
		likes = append(likes, a.Add("%"+escapeLike(term)+"%"))
	}
	has := func(id string) string {
		var cs []string
		for i := range words {
			if i != rare {
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
	from := `persons p`
	var conds []string
	switch {
	case !unionWide:
		// Everyone the user may open (personScope), with an open
		// employment at a workplace in scope too: the words are checked
		// on the way through the scope, and the first found are chosen
		// there by their sort key, so that only they are read again
		// (joined with all who were found, PostgreSQL would read every
		// person).
		conds = append(conds, `p.id IN (SELECT id FROM (`+personsInReach(u, &a, has)+`) r ORDER BY sort_key, id LIMIT `+a.Add(limit)+`)`)
	case rare >= 0:
		// A join, not IN: PostgreSQL would walk persons in name order
		// probing each (a third of them to reach "hansen").
		from = `(SELECT DISTINCT person_id FROM person_words WHERE word >= ` + lo[rare] + ` AND word < ` + hi[rare] +
			`) f JOIN persons p ON p.id = f.person_id`
		conds = append(conds, scope.FilterAt("p.unit_path", "p.workplace_id", &a))
		if c := has("p.id"); c != "" {
			conds = append(conds, c)
		}
	default:
		conds = append(conds, scope.FilterAt("p.unit_path", "p.workplace_id", &a), has("p.id"))
	}
	query := `SELECT ` + personColumns + ` FROM ` + from + ` WHERE ` + strings.Join(conds, " AND ") + ` ORDER BY p.sort_key, p.id LIMIT ` + a.Add(limit)
	return query, a
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
