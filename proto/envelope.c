/* envelope.c - see envelope.h. */
#include "envelope.h"

#include <stddef.h>
#include <stdint.h>

int envelope_set(Folio__Request *req, const ProtobufCMessage *op)
{
    const ProtobufCMessageDescriptor *d = &folio__request__descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0 ||
            f->quantifier_offset != offsetof(Folio__Request, op_case) ||
            f->descriptor != op->descriptor)
            continue;
        req->op_case = (Folio__Request__OpCase)f->id;
        *(const ProtobufCMessage **)(void *)((char *)req + f->offset) = op;
        return 0;
    }
    return -1;
}

int envelope_init(Folio__Request *req, const ProtobufCMessage *op)
{
    folio__request__init(req);
    return envelope_set(req, op);
}
