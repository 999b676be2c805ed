package model

import (
	"strings"
	"unicode/utf8"
)

// JoinStatus is the status a confirmed application's membership starts
// in: active where the union approves applications automatically
// (JoinSettings.AutoApprove), else pending until someone decides.
func JoinStatus(autoApprove bool) MembershipStatus {
	if autoApprove {
		return StatusActive
	}
	return StatusPending
}

// Decision is what approving or rejecting a pending application does.
type Decision struct {
	Approve    bool
	Reason     string           // why it was rejected, mailed to the applicant
	Membership MembershipStatus // the membership's new status
	Person     MembershipStatus // the person's member status: none after a rejection
	Action     string           // the audit log's action
	// ForgetFnr drops the application's sealed fødselsnummer: the member
	// register never needs a refused applicant's number. (An approved
	// membership starts today; a rejected one ends today.)
	ForgetFnr bool
}

// Decide checks a decision on an application (a rejection needs a
// reason) and says what it does.
func Decide(approve bool, reason string) (Decision, error) {
	reason = strings.TrimSpace(reason)
	var v Validation
	v.Check(approve || reason != "", "reason", "form.reason.required")
	v.Check(utf8.RuneCountInString(reason) <= 500 && utf8.ValidString(reason), "reason", "form.reason.toolong", "n", 500)
	if err := v.Err(); err != nil {
		return Decision{}, err
	}
	if approve {
		return Decision{Approve: true, Reason: reason, Membership: StatusActive, Person: StatusActive, Action: "approve"}, nil
	}
	return Decision{Reason: reason, Membership: StatusRejected, Person: StatusNone, Action: "reject", ForgetFnr: true}, nil
}

// Decidable reports whether an application whose membership is in status
// may be decided: only a pending one, once.
func Decidable(status MembershipStatus) error {
	if status != StatusPending {
		return ErrorKey(ECONFLICT, "err.application.decided")
	}
	return nil
}
