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
	var v model.Validation
	v.Add("email", "valid.email")
	invalid := v.Err()
	for _, c := range []struct {
		err          error
		lang, accept string
		status       int
		code, text   string
		key, field   string
	}{
		{model.Errorf(model.ECONFLICT, "Finnes fra før."), "", "", 409, model.ECONFLICT, "Finnes fra før.", "", ""},
		// An internal error's cause is not sent.
		{errors.New("pq: relation secret_table does not exist"), "", "", 500, model.EINTERNAL, "Det oppstod en intern feil.", "error.internal", ""},
		{errors.New("secret"), "", "en-GB,en;q=0.9", 500, model.EINTERNAL, "An internal error occurred.", "error.internal", ""},
		// A keyed error in the request's language: ?lang= first, then Accept-Language, else bokmål.
		{invalid, "", "", 400, model.EINVALID, "Skjemaet har feil. Rett feltene som er merket.", "valid.form", "E-postadressen er ikke gyldig."},
		{invalid, "", "en", 400, model.EINVALID, "The form has errors. Correct the marked fields.", "valid.form", "The e-mail address is not valid."},
		{invalid, "pl", "en", 400, model.EINVALID, "Formularz zawiera błędy. Popraw zaznaczone pola.", "valid.form", "Adres e-mail jest nieprawidłowy."},
	} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/api/v1/x?lang="+c.lang, nil)
		r.Header.Set("Accept-Language", c.accept)
		WriteJSON(w, r, c.err)
		var body struct {
			Error, Message, Key string
			Fields              map[string]string
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if w.Code != c.status || w.Header().Get("Content-Type") != "application/json; charset=utf-8" ||
			body.Error != c.code || body.Message != c.text || body.Key != c.key || body.Fields["email"] != c.field {
			t.Errorf("WriteJSON(%v) in %q/%q: %d %s %+v", c.err, c.lang, c.accept, w.Code, w.Header().Get("Content-Type"), body)
		}
	}
}
