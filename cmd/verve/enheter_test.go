package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/storage"
)

// TestImportEnheter: the command loads a register file in the published
// JSON format, updating the demo's workplaces it names and adding the
// chosen ones; a file of another kind and a bad selection are refused.
func TestImportEnheter(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "v.db")
	if _, err := runArgs(t, "seed", "--db", db, "--members", "500"); err != nil {
		t.Fatal(err)
	}
	store, err := storage.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var orgnrs []string
	rows, err := store.DB().Query(`SELECT orgnr FROM workplaces ORDER BY id LIMIT 2`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var o string
		rows.Scan(&o)
		orgnrs = append(orgnrs, o)
	}
	rows.Close()
	unit := `{"organisasjonsnummer": %q, "navn": %q, "harRegistrertAntallAnsatte": true, "antallAnsatte": %d,
		"naeringskode1": {"kode": "87.101", "beskrivelse": "Somatiske sykehjem"}, "overordnetEnhet": "974760673",
		"beliggenhetsadresse": {"adresse": ["Toftes gate 44"], "postnummer": "0552", "poststed": "OSLO", "kommune": "OSLO", "kommunenummer": "0301"}}`
	file := filepath.Join(dir, "underenheter.json")
	os.WriteFile(file, []byte("["+fmt.Sprintf(unit, orgnrs[0], "FØRSTE AVD", 500)+",\n"+fmt.Sprintf(unit, orgnrs[1], "ANDRE AVD", 250)+",\n"+
		fmt.Sprintf(unit, "973760033", "GRÜNERLØKKA SYKEHJEM", 35)+"]"), 0o600)
	out, err := runArgs(t, "import", "enheter", "--db", db, "--add-municipality", "0301", "--add-nace", "87", file)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	for _, want := range []string{"underenheter.json: JSON", "3 enheter lest", "2 arbeidsplasser oppdatert", "1 nye arbeidsplasser lagt til"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	var employees int
	var name string
	store.DB().QueryRow(`SELECT employees, name FROM workplaces WHERE orgnr = $1`, orgnrs[0]).Scan(&employees, &name)
	if employees != 500 || name != "FØRSTE AVD" {
		t.Errorf("first workplace: %d employees, %q", employees, name)
	}
	var added int
	store.DB().QueryRow(`SELECT count(*) FROM workplaces WHERE orgnr = '973760033' AND unit_id = (SELECT id FROM org_units WHERE parent_id IS NULL)`).Scan(&added)
	if added != 1 {
		t.Error("the Oslo nursing home was not added at the root")
	}

	other := filepath.Join(dir, "liste.csv")
	os.WriteFile(other, []byte("Fornavn;Etternavn\nKari;Nordmann\n"), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{other}, "verken en JSON-liste eller CSV"},
		{[]string{"--add-municipality", "Oslo", file}, "kommunenummer"},
		{[]string{"--under", "99999", file}, "org"},
		{[]string{}, "oppgi én fil"},
	} {
		out, err := runArgs(t, append([]string{"import", "enheter", "--db", db}, tc.args...)...)
		if err == nil || !strings.Contains(strings.ToLower(err.Error()+out), strings.ToLower(tc.want)) {
			t.Errorf("%v: %v\n%s", tc.args, err, out)
		}
	}
}
