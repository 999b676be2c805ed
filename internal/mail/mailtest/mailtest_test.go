package mailtest

import (
	"context"
	"net/smtp"
	"testing"
	"time"
)

func TestServerReceivesAndLists(t *testing.T) {
	srv := Start(t)
	for _, to := range []string{"en@example.no", "to@example.no"} {
		msg := "From: Avsender <fra@example.no>\r\nTo: " + to + "\r\nSubject: =?UTF-8?q?Hei_p=C3=A5_deg?=\r\n" +
			"Content-Type: text/plain; charset=UTF-8\r\n\r\nLinje én\r\nLinje to\r\n"
		if err := smtp.SendMail(srv.SMTPAddr(), nil, "fra@example.no", []string{to}, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	got := srv.WaitFor(t, "TO@example.no", 5*time.Second)
	if got.Subject != "Hei på deg" || got.Text != "Linje én\nLinje to\n" || got.From != "fra@example.no" || got.FromName != "Avsender" {
		t.Errorf("got %+v", got)
	}
	all, err := srv.Messages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].To[0] != "en@example.no" || all[1].To[0] != "to@example.no" {
		t.Errorf("messages, oldest first: %+v", all)
	}
	srv.Stop()
	srv.Stop()
	if err := smtp.SendMail(srv.SMTPAddr(), nil, "fra@example.no", []string{"tre@example.no"}, []byte("Subject: x\r\n\r\nx\r\n")); err == nil {
		t.Error("a stopped server accepted mail")
	}
}
