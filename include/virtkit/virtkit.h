/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* virtkit's public API: libvirt's names, signatures and values. */
#ifndef VIRTKIT_H
#define VIRTKIT_H

#include "virtkit-common.h"
#include "virtkit-host.h"
#include "virtkit-domain.h"
#include "virtkit-event.h"
#include "virterror.h"
#include "virtkit-stream.h"
#include "virtkit-network.h"
#include "virtkit-storage.h"
#include "virtkit-nodedev.h"
#include "virtkit-secret.h"
#include "virtkit-interface.h"
#include "virtkit-nwfilter.h"
#include "virtkit-domain-snapshot.h"
#include "virtkit-domain-checkpoint.h"

#endif
