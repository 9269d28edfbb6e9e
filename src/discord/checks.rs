//! Who may use the moderators' commands: small predicates for poise's `check = "…"`.

use poise::serenity_prelude as serenity;

use crate::discord::types::{Context, Error};

/// True when the author is a moderator: a moderator role (`MODERATOR_ROLE_IDS`) or Manage
/// Server. Outside a guild nobody is.
///
/// Discord only applies `default_member_permissions` as a default that server admins can
/// override per channel, and poise registers it without checking it, so it is checked here.
pub async fn is_moderator(ctx: Context<'_>) -> Result<bool, Error> {
    let Some(member) = ctx.author_member().await else {
        return Ok(false);
    };
    let by_role = member
        .roles
        .iter()
        .any(|role| ctx.data().moderator_roles.contains(&role.get()));
    let by_permission = member.permissions.is_some_and(|p| {
        p.contains(serenity::Permissions::MANAGE_GUILD)
            || p.contains(serenity::Permissions::ADMINISTRATOR)
    });
    Ok(by_role || by_permission)
}
