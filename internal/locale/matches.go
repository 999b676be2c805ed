package locale

// The possible-matches page: pairs of persons someone whose area covers
// both decides.
func init() {
	for k, v := range matchesCatalog {
		catalog[k] = v
	}
}

var matchesCatalog = map[string]map[string]string{
	"nav.matches":      {"nb": "Mulige dubletter", "en": "Possible duplicates"},
	"mc.title":         {"nb": "Mulige dubletter", "en": "Possible duplicates"},
	"mc.intro":         {"nb": "Disse personene kom inn fra en nyansattliste eller innmeldingsskjemaet og ligner på en vi kjente fra før, et sted den som la dem inn ikke har tilgang til. Avgjør om det er samme person. Sammenslåing flytter alt til personen vi kjente.", "en": "These persons came in from a new-hire list or the join form and look like someone we knew already, somewhere the person who added them cannot see. Decide whether it is the same person. Merging moves everything to the person we knew."},
	"mc.none":          {"nb": "Ingen mulige dubletter å avgjøre.", "en": "No possible duplicates to decide."},
	"mc.home":          {"nb": "Mulige dubletter å avgjøre", "en": "Possible duplicates to decide"},
	"mc.new":           {"nb": "Ny", "en": "New"},
	"mc.known":         {"nb": "Kjent fra før", "en": "Known before"},
	"mc.field":         {"nb": "Opplysning", "en": "Detail"},
	"mc.birth":         {"nb": "Fødselsdato", "en": "Birth date"},
	"mc.email":         {"nb": "E-post", "en": "E-mail"},
	"mc.mobile":        {"nb": "Mobil", "en": "Mobile"},
	"mc.from.import":   {"nb": "Fra nyansattliste", "en": "From a new-hire list"},
	"mc.from.join":     {"nb": "Fra innmeldingsskjemaet", "en": "From the join form"},
	"mc.by.fnr":        {"nb": "samme fødselsnummer", "en": "same national identity number"},
	"mc.by.email":      {"nb": "samme e-post", "en": "same e-mail"},
	"mc.by.mobile":     {"nb": "samme mobil", "en": "same mobile"},
	"mc.by.name_birth": {"nb": "samme navn og fødselsdato", "en": "same name and birth date"},
	"mc.by.workplace":  {"nb": "samme navn på samme arbeidsplass", "en": "same name at the same workplace"},
	"mc.merge":         {"nb": "Samme person: slå sammen", "en": "Same person: merge"},
	"mc.distinct":      {"nb": "To forskjellige personer", "en": "Two different persons"},
	"mc.decision":      {"nb": "Avgjørelse", "en": "Decision"},
	"mc.done":          {"nb": "Avgjørelsen er lagret.", "en": "The decision has been saved."},
}
