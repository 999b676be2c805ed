package api

import (
	"encoding/json"
	"net/http"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

// paymentJSON is a dues payment as the API takes and gives it.
type paymentJSON struct {
	Month  string      `json:"month"`  // 2026-11
	Amount json.Number `json:"amount"` // kroner, read without a float
}

// postPayment records dues for a membership:
// POST /api/v1/memberships/{id}/payments {"month": "2026-11", "amount": 350}.
func (a *API) postPayment(w http.ResponseWriter, r *http.Request) {
	mid, err := id(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in paymentJSON
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		a.fail(w, r, model.ErrorKey(model.EINVALID, "api.json.invalid", "example", `{"month": "2026-11", "amount": 350}`))
		return
	}
	month, err := model.ParseMonth(in.Month)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	amount, err := model.ParseAmount(in.Amount.String())
	if err != nil {
		a.fail(w, r, model.ErrorKey(model.EINVALID, "api.amount.invalid"))
		return
	}
	u := access.FromContext(r.Context())
	p := storage.Payment{MembershipID: mid, Month: month, AmountOre: amount, Source: "api"}
	if err := a.Store.RecordPayment(r.Context(), u, p); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"membership_id": mid, "month": month.Format("2006-01"), "amount": json.Number(p.AmountOre.Decimal())})
}
