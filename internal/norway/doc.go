// Package norway validates and formats Norwegian identifiers and places for
// the membership register: fødselsnummer and D-nummer, organisasjonsnummer,
// mobile numbers, postal codes with their municipality and county, and sort
// and search keys that order names the Norwegian way (… x, y, z, æ, ø, å).
//
// Error messages are in Norwegian bokmål because they are shown to members
// and union staff as they are.
package norway
