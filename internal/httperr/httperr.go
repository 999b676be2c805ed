// Package httperr is the HTTP edge's one mapping from Verve's typed errors
// to status codes, and the JSON body an error is sent as: the pages (ui)
// and the JSON API (api) both answer through it, so that the same error
// gets the same status everywhere.
package httperr

import (
	"encoding/json"
	"net/http"

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

// WriteJSON sends err as the API's error body, {"error": code, "message":
// the user-facing message}, with its status.
func WriteJSON(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(Status(err))
	json.NewEncoder(w).Encode(map[string]string{"error": model.ErrorCode(err), "message": model.ErrorMessage(err)})
}
