package model

// StatusConverted ends a student membership that went over to a working
// (ordinary) membership; the student period is kept as history.
const StatusConverted MembershipStatus = "converted"
