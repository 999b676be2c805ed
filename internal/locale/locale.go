// Package locale holds the interface texts in Norwegian bokmål (the
// default) and English.
package locale

// Languages offered, default first.
var Languages = []string{"nb", "en"}

// Supported reports whether lang has a catalogue.
func Supported(lang string) bool { return lang == "nb" || lang == "en" }

// T returns the text for key in lang, falling back to bokmål and then to
// the key itself so a missing text shows up rather than breaking a page.
func T(lang, key string) string {
	if m, ok := catalog[key]; ok {
		if s := m[lang]; s != "" {
			return s
		}
		return m["nb"]
	}
	return key
}

var catalog = map[string]map[string]string{
	"app.tagline":        {"nb": "Verving, aktivisering og medlemspleie", "en": "Recruiting, activation and retention"},
	"nav.home":           {"nb": "Hjem", "en": "Home"},
	"nav.units":          {"nb": "Organisasjon", "en": "Organisation"},
	"nav.search":         {"nb": "Søk", "en": "Search"},
	"nav.logout":         {"nb": "Logg ut", "en": "Sign out"},
	"nav.audit":          {"nb": "Revisjonslogg", "en": "Audit log"},
	"login.title":        {"nb": "Logg inn", "en": "Sign in"},
	"login.username":     {"nb": "Brukernavn", "en": "User name"},
	"login.password":     {"nb": "Passord", "en": "Password"},
	"login.submit":       {"nb": "Logg inn", "en": "Sign in"},
	"login.failed":       {"nb": "Feil brukernavn eller passord.", "en": "Wrong user name or password."},
	"login.limited":      {"nb": "For mange forsøk. Vent litt og prøv igjen.", "en": "Too many attempts. Wait a little and try again."},
	"home.title":         {"nb": "Oversikt", "en": "Overview"},
	"home.members":       {"nb": "Medlemmer", "en": "Members"},
	"home.newhires":      {"nb": "Nyansatte som venter", "en": "New hires waiting"},
	"home.tasksdue":      {"nb": "Oppgaver som forfaller", "en": "Tasks due"},
	"home.nosteward":     {"nb": "Arbeidsplasser uten tillitsvalgt", "en": "Workplaces without a shop steward"},
	"home.workplaces":    {"nb": "Arbeidsplasser", "en": "Workplaces"},
	"home.tasks":         {"nb": "Oppgaver de neste 7 dagene", "en": "Tasks in the next 7 days"},
	"home.notasks":       {"nb": "Ingen oppgaver forfaller.", "en": "No tasks due."},
	"home.membersLower":  {"nb": "medlemmer", "en": "members"},
	"home.of":            {"nb": "av", "en": "of"},
	"home.myworkplaces":  {"nb": "Min arbeidsplass", "en": "My workplace"},
	"home.scope":         {"nb": "Du ser", "en": "You see"},
	"units.title":        {"nb": "Organisasjonen", "en": "The organisation"},
	"unit.workplaces":    {"nb": "Arbeidsplasser", "en": "Workplaces"},
	"wp.orgnr":           {"nb": "Org.nr.", "en": "Org. no."},
	"wp.employees":       {"nb": "Ansatte", "en": "Employees"},
	"wp.members":         {"nb": "Medlemmer", "en": "Members"},
	"wp.density":         {"nb": "Organisasjonsgrad", "en": "Union density"},
	"wp.stewards":        {"nb": "Tillitsvalgte", "en": "Shop stewards"},
	"wp.nosteward":       {"nb": "Ingen tillitsvalgt", "en": "No shop steward"},
	"wp.otherunion":      {"nb": "Medlem i annet forbund", "en": "Member of another union"},
	"wp.nonmembers":      {"nb": "Uorganiserte", "en": "Non-members"},
	"wp.municipality":    {"nb": "Kommune", "en": "Municipality"},
	"wp.sector":          {"nb": "Sektor", "en": "Sector"},
	"person.memberships": {"nb": "Medlemskap", "en": "Memberships"},
	"person.employments": {"nb": "Arbeidsforhold", "en": "Employments"},
	"person.roles":       {"nb": "Verv", "en": "Roles"},
	"person.contacts":    {"nb": "Kontakthistorikk", "en": "Contact history"},
	"person.tasks":       {"nb": "Oppgaver", "en": "Tasks"},
	"person.born":        {"nb": "Født", "en": "Born"},
	"person.email":       {"nb": "E-post", "en": "E-mail"},
	"person.mobile":      {"nb": "Mobil", "en": "Mobile"},
	"person.address":     {"nb": "Adresse", "en": "Address"},
	"person.logcontact":  {"nb": "Logg kontakt", "en": "Log contact"},
	"person.note":        {"nb": "Notat", "en": "Note"},
	"person.kind":        {"nb": "Kontaktform", "en": "Contact type"},
	"person.save":        {"nb": "Lagre", "en": "Save"},
	"person.nocontacts":  {"nb": "Ingen kontakter registrert.", "en": "No contacts recorded."},
	"search.title":       {"nb": "Søk etter person", "en": "Find a person"},
	"search.placeholder": {"nb": "Navn, e-post eller mobil", "en": "Name, e-mail or mobile"},
	"search.none":        {"nb": "Ingen treff.", "en": "No matches."},
	"search.tooshort":    {"nb": "Skriv minst to tegn.", "en": "Type at least two characters."},
	"col.name":           {"nb": "Navn", "en": "Name"},
	"col.status":         {"nb": "Status", "en": "Status"},
	"col.type":           {"nb": "Type", "en": "Type"},
	"col.from":           {"nb": "Fra", "en": "From"},
	"col.to":             {"nb": "Til", "en": "To"},
	"col.due":            {"nb": "Frist", "en": "Due"},
	"col.workplace":      {"nb": "Arbeidsplass", "en": "Workplace"},
	"col.unit":           {"nb": "Organisasjonsledd", "en": "Org unit"},
	"col.when":           {"nb": "Når", "en": "When"},
	"col.by":             {"nb": "Av", "en": "By"},
	"col.position":       {"nb": "Stilling", "en": "Position"},
	"col.source":         {"nb": "Kilde", "en": "Source"},
	"task.done":          {"nb": "Utført", "en": "Done"},
	"error.title":        {"nb": "Noe gikk galt", "en": "Something went wrong"},
	"error.back":         {"nb": "Tilbake til forsiden", "en": "Back to the home page"},
	"lang.switch":        {"nb": "English", "en": "Norsk"},

	"status.prospect": {"nb": "Potensielt medlem", "en": "Prospect"},
	"status.active":   {"nb": "Aktiv", "en": "Active"},
	"status.arrears":  {"nb": "Restanse", "en": "Arrears"},
	"status.resigned": {"nb": "Utmeldt", "en": "Resigned"},
	"status.removed":  {"nb": "Strøket", "en": "Removed"},
	"status.":         {"nb": "Ikke medlem", "en": "Not a member"},

	"type.ordinary": {"nb": "Ordinær", "en": "Ordinary"},
	"type.student":  {"nb": "Student", "en": "Student"},
	"type.retired":  {"nb": "Pensjonist", "en": "Retired"},
	"type.trainee":  {"nb": "Lærling", "en": "Trainee"},

	"role.shop_steward":            {"nb": "Tillitsvalgt", "en": "Shop steward"},
	"role.chief_shop_steward":      {"nb": "Hovedtillitsvalgt", "en": "Chief shop steward"},
	"role.club_leader":             {"nb": "Klubbleder", "en": "Club leader"},
	"role.study_leader":            {"nb": "Studieleder", "en": "Study leader"},
	"role.recruitment_coordinator": {"nb": "Vervekoordinator", "en": "Recruitment coordinator"},
	"role.advisor":                 {"nb": "Rådgiver", "en": "Advisor"},
	"role.board_member":            {"nb": "Styremedlem", "en": "Board member"},
	"role.union_admin":             {"nb": "Forbundsadministrator", "en": "Union administrator"},

	"contact.visit":   {"nb": "Besøk", "en": "Visit"},
	"contact.phone":   {"nb": "Telefon", "en": "Phone"},
	"contact.sms":     {"nb": "SMS", "en": "Text message"},
	"contact.email":   {"nb": "E-post", "en": "E-mail"},
	"contact.meeting": {"nb": "Møte", "en": "Meeting"},

	"unit.union":  {"nb": "Forbund", "en": "Union"},
	"unit.region": {"nb": "Region", "en": "Region"},
	"unit.branch": {"nb": "Avdeling", "en": "Branch"},
	"unit.club":   {"nb": "Klubb", "en": "Club"},
}
