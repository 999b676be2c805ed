package register

import (
	"maps"

	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/model"
)

// Norm normalises a coded value for the vocabulary: lower case, letters
// and digits only, æøå as typed without a Norwegian keyboard, so that
// "Trekk stoppet", "trekk-stoppet" and "TREKKSTOPPET" are one word.
func Norm(s string) string { return importer.NormHeader(s) }

// DefaultVocabulary holds the words Norwegian union registers commonly use,
// in bokmål, nynorsk where it differs, and English. A union's own words
// are added on top (With).
func DefaultVocabulary() Vocabulary {
	v := Vocabulary{
		Types: words(map[model.MembershipType][]string{
			model.TypeOrdinary: {"ordinær", "ordinært", "ordinært medlem", "ordinary", "yrkesaktiv", "yrkesaktiv medlem",
				"fullt medlem", "full", "hovedmedlem", "vanlig", "standard", "regular", "working", "ord"},
			model.TypeStudent: {"student", "studentmedlem", "elev", "elevmedlem", "skoleelev", "stud"},
			model.TypeRetired: {"pensjonist", "pensjonistmedlem", "pensjonert", "alderspensjonist", "retired",
				"pensioner", "uføre", "uførepensjonist", "pens"},
			model.TypeTrainee: {"lærling", "lærlingmedlem", "lærekandidat", "trainee", "apprentice", "lærl"},
		}),
		Statuses: words(map[model.MembershipStatus][]string{
			model.StatusActive: {"aktiv", "aktivt", "medlem", "betalende", "active", "member", "current", "ok"},
			model.StatusArrears: {"restanse", "i restanse", "skyldig", "purret", "ubetalt", "arrears", "in arrears",
				"unpaid", "overdue"},
			model.StatusResigned: {"utmeldt", "utmelding", "sluttet", "ekskludert", "strøket", "avsluttet",
				"inaktiv", "død", "avdød", "overført", "resigned", "left", "lapsed", "excluded", "expelled",
				"deceased", "dead", "transferred", "inactive", "ended"},
		}),
		Roles: words(map[model.RoleName][]string{
			model.RoleShopSteward: {"tillitsvalgt", "plasstillitsvalgt", "tv", "shop steward", "steward",
				"union representative", "tillitsvald", "vara tillitsvalgt", "vararepresentant"},
			model.RoleChiefShopSteward: {"hovedtillitsvalgt", "htv", "foretakstillitsvalgt", "ftv",
				"konserntillitsvalgt", "chief shop steward", "chief steward", "hovudtillitsvald"},
			model.RoleClubLeader: {"klubbleder", "klubbleiar", "leder", "klubbformann", "club leader",
				"club chair", "chair"},
			model.RoleStudyLeader: {"studieleder", "studieleiar", "studieansvarlig", "opplæringsansvarlig",
				"study leader", "education officer"},
			model.RoleSafetyRep: {"verneombud", "hovedverneombud", "vo", "hvo", "safety representative",
				"safety rep", "health and safety representative"},
			model.RoleBoardMember: {"styremedlem", "styreleder", "nestleder", "kasserer", "sekretær",
				"board member", "deputy chair", "treasurer", "secretary"},
			model.RoleCoordinator: {"vervekoordinator", "vervekontakt", "verveansvarlig", "recruitment coordinator"},
			model.RoleAdvisor:     {"rådgiver", "organisasjonsarbeider", "advisor", "adviser", "organiser", "organizer"},
		}),
		Reasons: map[string]model.LeaveReason{},
		Dues:    map[string]model.DuesStatus{},
	}
	for r, ws := range map[model.LeaveReason][]string{
		model.LeaveChurn: {"utmeldt", "eget ønske", "egen oppsigelse", "oppsagt", "ønsker ikke medlemskap",
			"misfornøyd", "økonomi", "for dyrt", "ikke betalt", "manglende betaling", "strøket", "strøket restanse",
			"sluttet", "ny jobb", "annet", "ukjent", "own request", "own wish", "resigned", "non-payment",
			"lapsed", "other", "unknown", "too expensive", "dissatisfied"},
		model.LeaveDeath: {"død", "avdød", "dødsfall", "døde", "deceased", "death", "dead", "died"},
		model.LeaveRetirement: {"pensjonert", "pensjon", "alderspensjon", "pensjonist", "afp", "gått av med pensjon",
			"retired", "retirement", "pension"},
		model.LeaveTransfer: {"overført", "overgang", "overgang til annet forbund", "overført til annet forbund",
			"annet forbund", "byttet forbund", "transfer", "transferred", "other union", "moved to another union"},
		model.LeaveExclusion: {"ekskludert", "eksklusjon", "utestengt", "excluded", "exclusion", "expelled", "expulsion"},
	} {
		for _, w := range ws {
			v.Reasons[Norm(w)] = r
		}
	}
	for d, ws := range map[model.DuesStatus][]string{
		model.DuesPaid: {"betalt", "ok", "à jour", "ajour", "i orden", "trekk", "lønnstrekk", "trekk aktiv",
			"aktivt trekk", "faktura betalt", "avtalegiro", "paid", "up to date", "current", "payroll deduction"},
		model.DuesArrears: {"restanse", "i restanse", "ubetalt", "skyldig", "purret", "inkasso", "arrears",
			"in arrears", "unpaid", "overdue"},
		model.DuesDeductionStopped: {"trekk stoppet", "stoppet trekk", "trekk stanset", "trekk opphørt",
			"opphørt trekk", "trekk avsluttet", "ingen trekk", "deduction stopped", "stopped deduction",
			"payroll deduction stopped", "deduction ended"},
	} {
		for _, w := range ws {
			v.Dues[Norm(w)] = d
		}
	}
	return v
}

// words turns lists of words per value into a normalised lookup.
func words[T ~string](m map[T][]string) map[string]T {
	out := map[string]T{}
	for value, ws := range m {
		for _, w := range ws {
			out[Norm(w)] = value
		}
	}
	return out
}

// With returns v with o's words added (normalised), o's winning where both
// name a word: a union's own mapping over the defaults.
func (v Vocabulary) With(o Vocabulary) Vocabulary {
	return Vocabulary{
		Types:    merge(v.Types, o.Types),
		Statuses: merge(v.Statuses, o.Statuses),
		Roles:    merge(v.Roles, o.Roles),
		Reasons:  merge(v.Reasons, o.Reasons),
		Dues:     merge(v.Dues, o.Dues),
	}
}

func merge[V any](a, b map[string]V) map[string]V {
	out := maps.Clone(a)
	if out == nil {
		out = make(map[string]V, len(b))
	}
	for k, x := range b {
		out[Norm(k)] = x
	}
	return out
}

// lookup finds a coded value's meaning.
func lookup[V any](m map[string]V, s string) (V, bool) {
	x, ok := m[Norm(s)]
	return x, ok
}
