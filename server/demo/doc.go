// Package demo fills an empty Samenspel database with a believable
// organisation, so the system can be shown and tried without real people's
// data: a fictional RIBW in Overijssel with three self-organising teams in
// Deventer, Zwolle and Enschede, their begeleiders, two teamadviseurs, a
// coordinator and about thirty clients.
//
// The content follows the way of working the product is for. Goals are in
// the client's own words with the dream behind them; steps are mostly
// carried by the client and their network (zorgen dát, not zorgen vóór);
// network maps show family, neighbours, peers and some formal care, with
// contacts that went quiet and people still wished for, and contact details
// only where the client consented. Each team walked wijksafaris guided by
// concrete questions, found places, initiatives, key persons and barriers,
// and reflected; the teamadviseur left questions, appreciation and
// suggestions about that work, never about a client.
//
// Every record goes through app.Save in one transaction, so versions,
// authorship and the change feed are exactly as if people had typed it, and
// a failure writes nothing. Fill refuses a database that already has teams,
// staff or clients: demo people must never mix with real ones.
//
// Texts live in texts_*.go; a seed picks among them deterministically.
package demo
