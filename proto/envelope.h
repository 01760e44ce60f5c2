/* envelope.h - a Request around any op message: the one way the client
 * library, the tools, the tests and the fuzz corpus address a request.
 *
 * Request's oneof `op` has one field per op message type, so the message's
 * protobuf-c descriptor names the field: no caller spells the op case and
 * the field apart, and they cannot disagree. */
#ifndef FOLIO_ENVELOPE_H
#define FOLIO_ENVELOPE_H

#include "folio.pb-c.h"

/* Points req's op at `op`, replacing any op it had; its id and the rest
 * stay. op is not copied and must outlive req's use. 0, or -1 when no op
 * of Request has op's message type (req is then unchanged). */
int envelope_set(Folio__Request *req, const ProtobufCMessage *op);

/* Makes *req a fresh Request (id 0) and sets its op (envelope_set). */
int envelope_init(Folio__Request *req, const ProtobufCMessage *op);

#endif
