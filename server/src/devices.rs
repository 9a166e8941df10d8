//! The phones and tablets: the key the server keeps for each user on each device (handed over
//! once per online sign-in, so a forgotten PIN never loses the phone's data), devices marked
//! lost (their keys never handed over again), and the wipe a device is told to do once its
//! outbox is sent. The rules of the phone's side are [`app::domain::device`].

use crate::context::Ctx;
use crate::storage::LostDevice;
use app::api::ApiError;
use app::domain::device::{DeviceKey, DeviceSummary, WipeReason, KEY_LEN};
use app::domain::{Action, SessionUser, Target};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use uuid::Uuid;

/// Longest reason kept with a lost device.
const MAX_REASON: usize = 500;

#[derive(Clone)]
pub struct Devices {
    ctx: Ctx,
}

impl Devices {
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }

    /// The key of `actor` on `device_id`, when this session's password sign-in has not used
    /// its one handover yet (`granted`) and the device is not lost. Every answer is audited.
    pub async fn hand_key(&self, actor: &SessionUser, device_id: Uuid, granted: bool) -> Result<DeviceKey, ApiError> {
        let refused = |why: &str| {
            self.ctx
                .event(
                    Some(actor),
                    None,
                    "device.key_refused",
                    "device",
                    Some(device_id.to_string()),
                    String::new(),
                )
                .from_device(device_id)
                .because(why)
        };
        if self.ctx.store.lost_device(device_id).await?.is_some() {
            self.ctx.audit(refused("device marked lost")).await?;
            return Err(ApiError::DeviceLost);
        }
        if !granted {
            self.ctx.audit(refused("no sign-in since the last handover")).await?;
            return Err(ApiError::KeyNotGranted);
        }
        let mut fresh = [0u8; KEY_LEN];
        OsRng.fill_bytes(&mut fresh);
        let event = self
            .ctx
            .event(
                Some(actor),
                None,
                "device.key_handed",
                "device",
                Some(device_id.to_string()),
                String::new(),
            )
            .from_device(device_id);
        let secret = self
            .ctx
            .store
            .hand_device_key(actor.id, device_id, &fresh, self.ctx.now(), &[event])
            .await?;
        Ok(DeviceKey { secret })
    }

    /// The devices holding a key of the actor's municipality's users.
    pub async fn list(&self, actor: &SessionUser) -> Result<Vec<DeviceSummary>, ApiError> {
        let municipality = actor.municipality_id;
        self.ctx
            .require(actor, Action::MarkDeviceLost, Target::Municipality(municipality))
            .await?;
        Ok(self.ctx.store.devices_in(municipality).await?)
    }

    /// Marks a device of the municipality lost, with the reason: its keys are never handed
    /// over again, and its users' data on it is wiped once it has sent what it queued.
    pub async fn mark_lost(&self, actor: &SessionUser, device_id: Uuid, reason: &str) -> Result<(), ApiError> {
        let municipality = actor.municipality_id;
        self.ctx
            .require(actor, Action::MarkDeviceLost, Target::Municipality(municipality))
            .await?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > MAX_REASON {
            return Err(app::domain::UserInputError::NoReason.into());
        }
        let known = self.ctx.store.devices_in(municipality).await?;
        if !known.iter().any(|d| d.device_id == device_id) {
            return Err(ApiError::NotFound);
        }
        let lost = LostDevice {
            device_id,
            municipality_id: municipality,
            marked_by: actor.id,
            marked_at: self.ctx.now(),
            reason: reason.into(),
        };
        let event = self
            .ctx
            .event(
                Some(actor),
                None,
                "device.marked_lost",
                "device",
                Some(device_id.to_string()),
                String::new(),
            )
            .from_device(device_id)
            .because(reason);
        Ok(self.ctx.store.mark_device_lost(&lost, &[event]).await?)
    }

    /// Notes a push by a user disabled since sign-in.
    pub async fn audit_departing(
        &self,
        user: &SessionUser,
        device_id: Option<Uuid>,
        detail: String,
    ) -> Result<(), ApiError> {
        let mut event = self.ctx.event(
            Some(user),
            None,
            "sync.departing_push",
            "user",
            Some(user.id.to_string()),
            detail,
        );
        event.device_id = device_id;
        self.ctx.audit(event).await
    }

    /// Whether the device must remove `user`'s data once its outbox is sent.
    pub async fn wipe_reason(
        &self,
        user: &SessionUser,
        device_id: Option<Uuid>,
    ) -> Result<Option<WipeReason>, ApiError> {
        if !user.active {
            return Ok(Some(WipeReason::AccountDisabled));
        }
        match device_id {
            Some(d) if self.ctx.store.lost_device(d).await?.is_some() => Ok(Some(WipeReason::DeviceLost)),
            _ => Ok(None),
        }
    }
}
