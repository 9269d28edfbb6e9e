pub mod discord_double;
