package httperr

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/verve-union/verve/internal/model"
)

func TestStatus(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{model.Errorf(model.EINVALID, "x"), http.StatusBadRequest},
		{model.Errorf(model.EUNAUTH, "x"), http.StatusUnauthorized},
		{model.Errorf(model.EFORBIDDEN, "x"), http.StatusForbidden},
		{model.Errorf(model.ENOTFOUND, "x"), http.StatusNotFound},
		{model.Errorf(model.ECONFLICT, "x"), http.StatusConflict},
		{model.Errorf(model.ETOOMANY, "x"), http.StatusTooManyRequests},
		{fmt.Errorf("wrapped: %w", model.Errorf(model.ENOTFOUND, "x")), http.StatusNotFound},
		{model.Errorf(model.EINTERNAL, "x"), http.StatusInternalServerError},
		{model.Errorf("no_such_code", "x"), http.StatusInternalServerError},
		{errors.New("disk full"), http.StatusInternalServerError},
		{nil, http.StatusInternalServerError},
	} {
		if got := Status(c.err); got != c.want {
			t.Errorf("Status(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

func TestWriteJSON(t *testing.T) {
	for _, c := range []struct {
		err        error
		status     int
		code, text string
	}{
		{model.Errorf(model.ECONFLICT, "Finnes fra før."), 409, model.ECONFLICT, "Finnes fra før."},
		// An internal error's cause is not sent.
		{errors.New("pq: relation secret_table does not exist"), 500, model.EINTERNAL, "Det oppstod en intern feil."},
	} {
		w := httptest.NewRecorder()
		WriteJSON(w, c.err)
		var body map[string]string
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if w.Code != c.status || w.Header().Get("Content-Type") != "application/json; charset=utf-8" ||
			body["error"] != c.code || body["message"] != c.text || len(body) != 2 {
			t.Errorf("WriteJSON(%v): %d %s %v", c.err, w.Code, w.Header().Get("Content-Type"), body)
		}
	}
}
