// Package httperr is the HTTP edge's one mapping from Verve's typed errors
// to status codes, and the JSON body an error is sent as: the pages (ui)
// and the JSON API (api) both answer through it, so that the same error
// gets the same status everywhere.
package httperr

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"

	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
)

var statuses = map[string]int{
	model.EINVALID:   http.StatusBadRequest,
	model.EUNAUTH:    http.StatusUnauthorized,
	model.EFORBIDDEN: http.StatusForbidden,
	model.ENOTFOUND:  http.StatusNotFound,
	model.ECONFLICT:  http.StatusConflict,
	model.ETOOMANY:   http.StatusTooManyRequests,
}

// Status is the HTTP status for err, by its model error code: 500 for an
// internal error, an error without a code, an unknown code or nil. Only a
// 500 hides its cause, which the caller logs.
func Status(err error) int {
	if s, ok := statuses[model.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Lang is the language an answer is in: ?lang= when the catalogue has
// it, else the best fit for Accept-Language, else bokmål.
func Lang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); slices.Contains(locale.AllLanguages, l) {
		return l
	}
	return locale.Accept(r.Header.Get("Accept-Language"))
}

// body is the API's error body: the code, the message in the request's
// language (Lang), its catalogue key where it has one and each field's
// message for a form.
type body struct {
	Error   string            `json:"error"`
	Message string            `json:"message"`
	Key     string            `json:"key,omitempty"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// WriteJSON sends err as the API's error body with its status.
func WriteJSON(w http.ResponseWriter, r *http.Request, err error) {
	lang := Lang(r)
	b := body{Error: model.ErrorCode(err), Message: model.ErrorMessageIn(err, lang), Fields: model.FieldErrorsIn(err, lang), Key: "error.internal"}
	var e *model.Error
	if errors.As(err, &e) {
		b.Key = e.Key
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(Status(err))
	json.NewEncoder(w).Encode(b)
}
