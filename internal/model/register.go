package model

// AddressProtection is the protection the population register puts on a
// person's address. A protected address is never shown to stewards, in
// exports, or on lists other people see.
type AddressProtection string

const (
	AddressOpen                 AddressProtection = ""
	AddressConfidential         AddressProtection = "confidential"          // fortrolig adresse
	AddressStrictlyConfidential AddressProtection = "strictly_confidential" // strengt fortrolig adresse
)

// DuesStatus is what the member register says about a member's dues.
type DuesStatus string

const (
	DuesUnknown          DuesStatus = ""
	DuesPaid             DuesStatus = "paid"
	DuesArrears          DuesStatus = "arrears"
	DuesDeductionStopped DuesStatus = "deduction_stopped" // the employer stopped the payroll deduction
)

// LeaveReason is what a resignation means for the union, whatever words the
// register uses for it: only churn is worth a winback call.
type LeaveReason string

const (
	LeaveChurn      LeaveReason = "churn"      // resigned (or lapsed): call them back
	LeaveDeath      LeaveReason = "death"      // also cancels open tasks, mail and invitations
	LeaveRetirement LeaveReason = "retirement" // moves to a retired membership
	LeaveTransfer   LeaveReason = "transfer"   // moved to another union
	LeaveExclusion  LeaveReason = "exclusion"  // excluded by the union
)

// LeaveReasons lists the values a register reason can be mapped to.
var LeaveReasons = []LeaveReason{LeaveChurn, LeaveDeath, LeaveRetirement, LeaveTransfer, LeaveExclusion}

// Winback reports whether a resignation for this reason gets a winback call.
func (r LeaveReason) Winback() bool { return r == LeaveChurn }
