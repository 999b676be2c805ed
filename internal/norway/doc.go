// Package norway validates and formats Norwegian identifiers and places for
// the membership register: fødselsnummer and D-nummer, organisasjonsnummer,
// mobile numbers, postal codes with their municipality and county, and sort
// and search keys that order names the Norwegian way (… x, y, z, æ, ø, å).
//
// Its validation errors are *Error values carrying a catalogue key (see
// internal/locale), translated where they are shown; model, which imports
// this package, turns them into field messages.
package norway
