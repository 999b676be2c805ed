package model

// StatusConverted ends a student membership that went over to a working
// (ordinary) membership; the student period is kept as history.
const StatusConverted = "converted"

// SourceStudentTransfer is the source of an ordinary membership that
// continues a student membership.
const SourceStudentTransfer = "studentovergang"
