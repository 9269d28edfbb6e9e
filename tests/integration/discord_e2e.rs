//! The real bot, end to end: the serenity client and poise framework of `citebot serve`, run
//! in-process through `DISCORD_API_BASE_URL` against the local Discord double (REST and gateway
//! on 127.0.0.1), answering from the real engine over a copy of the bundled corpus.

use std::path::Path;
use std::time::Duration;

use crate::support::bot::{copy_corpus, first_citation, Bot};
use crate::support::discord_double::payloads::{self, PERMS_MEMBER};
use crate::support::discord_double::{
    Actor, DiscordDouble, MessageSpec, OptionValue, RecordedRequest,
};
use crate::support::logs::Logs;
use crate::support::reply::{assert_pings_nobody, custom_ids, embed, flags, FLAG_EPHEMERAL};
use citebot::discord::render::escape;
use serde_json::{json, Value};

/// Every wait is bounded by this.
const T: Duration = Duration::from_secs(15);
/// How long to watch for something that must not happen.
const QUIET: Duration = Duration::from_millis(600);
const TOKEN: &str = "e2e-secret-token.abc";

const SPOKESMAN: &str = "Who is the spokesman of the Taliban's foreign ministry?";

fn member() -> Actor {
    Actor::member(6001, "alice")
}

impl Bot {
    async fn start() -> Bot {
        Bot::start_with(&[], &[]).await
    }

    /// Starts a double and the bot; `env` adds or overrides configuration keys, `files` are
    /// written into the corpus copy before it loads. Cooldowns are off unless `env` sets them.
    async fn start_with(env: &[(&str, &str)], files: &[(&str, &str)]) -> Bot {
        let mut vars = vec![("ANSWER_COOLDOWN_SECS", "0")];
        vars.extend_from_slice(env);
        Bot::launch(DiscordDouble::start().await, TOKEN, &vars, files).await
    }

    /// Asks with `/ask` as a member.
    async fn ask(&self, question: &str) -> Value {
        self.command(member(), "ask", &[("question", OptionValue::str(question))])
            .await
    }

    /// The follow-up of a deferred interaction.
    async fn followup(&self, token: &str) -> Value {
        let token = token.to_string();
        let request = self
            .double
            .wait_for_request(
                |r| r.route == "webhooks.followup" && r.path.contains(&token),
                T,
            )
            .await
            .unwrap_or_else(|| panic!("no follow-up\n{}", self.double.request_log()));
        request.body.expect("follow-up body")
    }

    /// Stops the bot as SIGINT would and checks it shut down cleanly (see
    /// [`Bot::shut_down`]).
    async fn stop(self) -> DiscordDouble {
        self.shut_down().await
    }
}

#[tokio::test]
async fn the_commands_are_registered_with_their_options_and_permissions() {
    let bot = Bot::start().await;
    let identify = bot.double.wait_identified(T).await.expect("identified");
    let intents = identify["intents"].as_u64().unwrap();
    assert_eq!(
        intents,
        citebot::discord::intents().bits(),
        "guilds, guild messages, DMs, message content"
    );
    assert_ne!(intents & (1 << 15), 0, "MESSAGE_CONTENT");

    let registered = bot.double.registered_commands();
    let commands = &registered[&bot.double.guild_id().to_string()];
    let by_name = |name: &str| -> &Value {
        commands
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} not registered: {commands:#?}"))
    };
    let mut names: Vec<&str> = commands
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "Ask the corpus",
            "about",
            "ask",
            "config",
            "gaps",
            "help",
            "reload",
            "source",
            "sources"
        ]
    );
    let ask = by_name("ask");
    assert_eq!(ask["options"][0]["name"], "question");
    assert_eq!(ask["options"][0]["type"], 3);
    assert_eq!(ask["options"][0]["required"], true);
    assert_eq!(ask["options"][1]["name"], "results");
    assert_eq!(ask["options"][1]["type"], 4);
    assert_eq!(ask["options"][1]["min_value"].as_f64(), Some(1.0));
    assert_eq!(ask["options"][1]["max_value"].as_f64(), Some(5.0));
    assert_ne!(ask["options"][1]["required"], true);
    let source = by_name("source");
    assert_eq!(source["options"][0]["name"], "id");
    assert_eq!(source["options"][0]["autocomplete"], true);
    // Manage Server is bit 5.
    assert_eq!(by_name("reload")["default_member_permissions"], "32");
    assert_eq!(by_name("Ask the corpus")["type"], 3);
    bot.stop().await;
}

#[tokio::test]
async fn ask_answers_with_an_embed_that_quotes_the_corpus_with_citations() {
    let bot = Bot::start().await;
    let callback = bot.ask(SPOKESMAN).await;
    assert_eq!(callback["type"], 4, "answered at once, no defer needed");
    assert_eq!(flags(&callback) & FLAG_EPHEMERAL, 0, "an answer is public");
    let data = &callback["data"];
    assert_pings_nobody(data);
    let embed = embed(data);
    assert_eq!(embed["title"], escape(SPOKESMAN));
    let description = embed["description"].as_str().unwrap();
    assert!(description.contains("Balkhi"), "{description}");
    assert!(description.starts_with("> "), "{description}");
    assert!(description.contains("**[1]**"), "{description}");
    assert!(description.contains('¶'), "{description}");
    assert!(description.contains("**"), "matched words in bold");
    let footer = embed["footer"]["text"].as_str().unwrap();
    assert!(
        footer.starts_with("Results 1–") && footer.contains("5 documents"),
        "results first: {footer}"
    );
    assert!(
        !footer.contains("µs") && !footer.contains("passage"),
        "no internals: {footer}"
    );
    let ids = custom_ids(data);
    assert!(ids.iter().any(|id| id.starts_with("vote:u:")), "{ids:?}");
    assert!(ids.iter().any(|id| id.starts_with("vote:d:")), "{ids:?}");
    assert!(ids.iter().all(|id| id.len() <= 100));
    bot.stop().await;
}

#[tokio::test]
async fn more_shows_the_next_results_and_votes_are_acknowledged() {
    let bot = Bot::start().await;
    let token = bot.push_command(
        member(),
        "ask",
        &[
            ("question", OptionValue::str(SPOKESMAN)),
            ("results", OptionValue::Integer(1)),
        ],
    );
    let callback = bot.callback(&token).await;
    let ids = custom_ids(&callback["data"]);
    let more = ids
        .iter()
        .find(|id| id.starts_with("ask:"))
        .unwrap_or_else(|| panic!("no More button: {ids:?}"));
    // Click "More" on the message the answer became (read back from the double).
    let message = bot
        .double
        .stored_message(&token)
        .expect("the original response is stored");
    let env = bot.double.guild_interaction(member());
    bot.double
        .push_interaction(payloads::button_click(&env, more, message.clone()))
        .expect("pushed");
    let update = bot.callback(&env.token).await;
    assert_eq!(update["type"], 7, "the answer message is updated in place");
    let description = embed(&update["data"])["description"].as_str().unwrap();
    assert!(description.contains("**[2]**"), "{description}");
    assert!(!description.contains("**[1]**"), "{description}");
    assert_eq!(embed(&update["data"])["title"], escape(SPOKESMAN));
    assert_pings_nobody(&update["data"]);

    let vote = ids.iter().find(|id| id.starts_with("vote:u:")).unwrap();
    let env = bot.double.guild_interaction(member());
    bot.double
        .push_interaction(payloads::button_click(&env, vote, message))
        .expect("pushed");
    let thanks = bot.callback(&env.token).await;
    assert_eq!(flags(&thanks) & FLAG_EPHEMERAL, FLAG_EPHEMERAL);
    let content = thanks["data"]["content"].as_str().unwrap();
    assert!(content.starts_with("Thanks"), "{content}");
    assert!(content.contains("counts once"), "{content}");
    bot.stop().await;
}

#[tokio::test]
async fn a_page_that_no_longer_exists_is_said_plainly() {
    let bot = Bot::start().await;
    let callback = bot.ask(SPOKESMAN).await;
    let mut spec = MessageSpec::new(
        bot.double.new_id(),
        bot.double.channel_id(),
        Some(bot.double.guild_id()),
        bot.double.bot_actor(),
        "",
    );
    spec.embeds = callback["data"]["embeds"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let message = payloads::message_object(&spec);
    let key = crate_question_key(SPOKESMAN);
    let env = bot.double.guild_interaction(member());
    bot.double
        .push_interaction(payloads::button_click(
            &env,
            &format!("ask:{key}:3:40"),
            message,
        ))
        .expect("pushed");
    let reply = bot.callback(&env.token).await;
    assert_eq!(reply["type"], 4);
    assert_eq!(flags(&reply) & FLAG_EPHEMERAL, FLAG_EPHEMERAL);
    let content = reply["data"]["content"].as_str().unwrap();
    assert!(content.contains("no page 41"), "{content}");
    bot.stop().await;
}

fn crate_question_key(question: &str) -> String {
    citebot::discord::buttons::question_key(question)
}

#[tokio::test]
async fn a_question_the_corpus_cannot_answer_gets_a_short_ephemeral_reply() {
    let bot = Bot::start().await;
    let callback = bot.ask("What is the capital of France?").await;
    assert_eq!(callback["type"], 4);
    assert_eq!(flags(&callback) & FLAG_EPHEMERAL, FLAG_EPHEMERAL);
    let content = callback["data"]["content"].as_str().unwrap();
    assert!(
        content.starts_with("Nothing in the corpus answers"),
        "{content}"
    );
    assert!(callback["data"]["embeds"]
        .as_array()
        .is_none_or(Vec::is_empty));
    bot.stop().await;
}

#[tokio::test]
async fn sources_lists_every_document_and_source_autocompletes_ids() {
    let bot = Bot::start().await;
    let callback = bot.command(member(), "sources", &[]).await;
    let description = embed(&callback["data"])["description"].as_str().unwrap();
    for id in [
        "000_f9e57255359d1c5f",
        "001_11207e85c5729a99",
        "002_04bdb3e7df0483cf",
        "003_5778a4211003ac1d",
        "004_20b7060dfb18cd1a",
    ] {
        assert!(description.contains(&escape(id)), "{id} in {description}");
    }

    let env = bot.double.guild_interaction(member());
    let source_id = bot.double.command_id("source").unwrap();
    bot.double
        .push_interaction(payloads::autocomplete(
            &env,
            source_id,
            "source",
            &[],
            ("id", 3, "003"),
        ))
        .expect("pushed");
    let choices = bot.callback(&env.token).await;
    assert_eq!(choices["type"], 8);
    let values: Vec<&str> = choices["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["003_5778a4211003ac1d"]);

    let callback = bot
        .command(
            member(),
            "source",
            &[("id", OptionValue::str("003_5778a4211003ac1d"))],
        )
        .await;
    let embed = embed(&callback["data"]);
    assert!(embed["description"].as_str().unwrap().starts_with("> "));
    assert_eq!(embed["fields"][0]["name"], "Source id");
    assert_eq!(embed["fields"][0]["value"], escape("003_5778a4211003ac1d"));
    bot.stop().await;
}

const NEW_ARTICLE: &str = "Vexaris comet found by Quillmaster\n\n\
The Zorblatt Observatory announced on Tuesday that astronomer Helga Quillmaster discovered a \
new comet, which she named Vexaris after her home village.\n\n\
Quillmaster said the comet Vexaris will be visible from the southern hemisphere next spring.\n";

#[tokio::test]
async fn reload_by_a_moderator_reports_the_new_file_and_the_next_ask_finds_it() {
    let bot = Bot::start().await;
    std::fs::write(bot.corpus.path().join("zz_vexaris.txt"), NEW_ARTICLE).unwrap();
    let token = bot.push_command(moderator_by_role(&bot), "reload", &[]);
    let deferred = bot.callback(&token).await;
    assert_eq!(deferred["type"], 5, "the reload is deferred");
    assert_eq!(flags(&deferred) & FLAG_EPHEMERAL, FLAG_EPHEMERAL);
    let report = bot.followup(&token).await;
    assert_pings_nobody(&report);
    let embed = embed(&report);
    assert_eq!(embed["title"], "Corpus reloaded");
    let added = embed["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Added")
        .unwrap();
    assert_eq!(added["value"], escape("zz_vexaris"));

    let callback = bot.ask("Who discovered the comet Vexaris?").await;
    let description = embed_description(&callback);
    assert!(description.contains("Quillmaster"), "{description}");
    assert!(
        description.contains(&escape("Vexaris comet found by Quillmaster")),
        "cited by its title: {description}"
    );
    bot.stop().await;
}

/// A moderator by role alone: no Manage Server.
fn moderator_by_role(bot: &Bot) -> Actor {
    Actor::new(
        6100,
        "mod",
        vec![bot.double.moderator_role_id()],
        PERMS_MEMBER,
    )
}

/// Writes `files` files of about 9 MB of made-up words into `dir`: a folder that takes a while
/// to read.
fn write_slow_folder(dir: &Path, files: usize) {
    use std::fmt::Write as _;
    let mut x: u64 = 1;
    for n in 0..files {
        let mut text = String::with_capacity(9 << 20);
        while text.len() < 9 << 20 {
            for _ in 0..60 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                write!(text, "word{} ", (x >> 40) % 50_000).unwrap();
            }
            text.push_str(".\n\n");
        }
        std::fs::write(dir.join(format!("zz_large_{n}.txt")), text).unwrap();
    }
}

#[tokio::test]
async fn a_reload_cut_short_by_shutdown_still_answers_the_moderator() {
    let bot = Bot::start().await;
    write_slow_folder(bot.corpus.path(), 3);
    let token = bot.push_command(moderator_by_role(&bot), "reload", &[]);
    let deferred = bot.callback(&token).await;
    assert_eq!(deferred["type"], 5, "the reload is deferred");
    // The bot stops while the folder is read: the moderator still gets an answer (the reload
    // withdrawn, or done if it was quicker), sent before the bot ended, never "thinking…".
    let double = bot.stop().await;
    let replies: Vec<RecordedRequest> = double
        .requests()
        .into_iter()
        .filter(|r| r.route == "webhooks.followup" && r.path.contains(&token))
        .collect();
    assert_eq!(replies.len(), 1, "{}", double.request_log());
    let body = replies[0].body.clone().expect("a body");
    let title = embed(&body)["title"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        title == "Reload withdrawn: the bot is stopping" || title == "Corpus reloaded",
        "{title}"
    );
}

fn embed_description(callback: &Value) -> String {
    embed(&callback["data"])["description"]
        .as_str()
        .unwrap_or_else(|| panic!("no embed: {callback:#}"))
        .to_string()
}

#[tokio::test]
async fn reload_by_a_member_without_the_role_is_refused() {
    let bot = Bot::start().await;
    std::fs::write(bot.corpus.path().join("zz_vexaris.txt"), NEW_ARTICLE).unwrap();
    let token = bot.push_command(member(), "reload", &[]);
    let refusal = bot.callback(&token).await;
    assert_eq!(refusal["type"], 4);
    assert_eq!(flags(&refusal) & FLAG_EPHEMERAL, FLAG_EPHEMERAL);
    let content = refusal["data"]["content"].as_str().unwrap();
    assert!(content.starts_with("Only moderators"), "{content}");
    // Nothing changed: the new file is not served.
    let callback = bot.command(member(), "sources", &[]).await;
    let description = embed_description(&callback);
    assert!(!description.contains("vexaris"), "{description}");
    assert!(bot
        .double
        .wait_for_request(|r| r.route == "webhooks.followup", QUIET)
        .await
        .is_none());
    bot.stop().await;
}

fn mention_of_bot(bot: &Bot, content: &str) -> MessageSpec {
    let mut spec = bot.double.guild_message(member(), content);
    spec.mentions = vec![payloads::user_object(
        bot.double.bot_user_id(),
        "citebot",
        true,
    )];
    spec
}

async fn reply_to(bot: &Bot, message_id: u64) -> RecordedRequest {
    let id = message_id.to_string();
    bot.double
        .wait_for_request(
            |r| {
                r.route == "messages.create"
                    && r.body_str("/message_reference/message_id") == Some(id.as_str())
            },
            T,
        )
        .await
        .unwrap_or_else(|| panic!("no reply to {id}\n{}", bot.double.request_log()))
}

#[tokio::test]
async fn a_message_that_mentions_the_bot_gets_a_reply_that_pings_nobody() {
    let bot = Bot::start().await;
    let bot_id = bot.double.bot_user_id();
    // Ignored: a bot's message that mentions us, and a message that only names us.
    let mut from_a_bot = mention_of_bot(&bot, &format!("<@{bot_id}> {SPOKESMAN}"));
    from_a_bot.author = Actor::member(6200, "otherbot").as_bot();
    bot.double.push_message(&from_a_bot).expect("pushed");
    let named = bot
        .double
        .guild_message(member(), &format!("citebot @everyone {SPOKESMAN}"));
    bot.double.push_message(&named).expect("pushed");

    let asked = mention_of_bot(&bot, &format!("<@{bot_id}> {SPOKESMAN}"));
    bot.double.push_message(&asked).expect("pushed");
    let reply = reply_to(&bot, asked.id).await;
    let body = reply.body.as_ref().unwrap();
    assert_pings_nobody(body);
    assert_eq!(body["allowed_mentions"]["replied_user"], false);
    assert_eq!(
        embed(body)["title"],
        escape(SPOKESMAN),
        "the question without the mention"
    );
    assert!(embed(body)["description"]
        .as_str()
        .unwrap()
        .contains("Balkhi"));

    tokio::time::sleep(QUIET).await;
    let replies: Vec<RecordedRequest> = bot
        .double
        .requests()
        .into_iter()
        .filter(|r| r.route == "messages.create")
        .collect();
    assert_eq!(replies.len(), 1, "{}", bot.double.request_log());
    bot.stop().await;
}

#[tokio::test]
async fn a_direct_message_and_a_message_in_a_qa_channel_are_questions() {
    let bot = Bot::start_with(&[("ASK_CHANNEL_IDS", "3000")], &[]).await;
    assert_eq!(bot.double.channel_id(), 3000);
    let in_channel = bot.double.guild_message(member(), SPOKESMAN);
    bot.double.push_message(&in_channel).expect("pushed");
    let reply = reply_to(&bot, in_channel.id).await;
    assert_pings_nobody(reply.body.as_ref().unwrap());

    let dm = MessageSpec::new(bot.double.new_id(), 7_777, None, member(), SPOKESMAN);
    bot.double.push_message(&dm).expect("pushed");
    let reply = reply_to(&bot, dm.id).await;
    assert!(reply.path.contains("/channels/7777/"), "{}", reply.path);
    bot.stop().await;
}

#[tokio::test]
async fn ask_the_corpus_asks_the_text_of_a_message() {
    let bot = Bot::start().await;
    let target = payloads::message_object(&bot.double.guild_message(member(), SPOKESMAN));
    let env = bot.double.guild_interaction(Actor::member(6003, "carol"));
    let id = bot.double.command_id("Ask the corpus").expect("registered");
    bot.double
        .push_interaction(payloads::message_context_command(
            &env,
            id,
            "Ask the corpus",
            target,
        ))
        .expect("pushed");
    let callback = bot.callback(&env.token).await;
    assert_eq!(embed(&callback["data"])["title"], escape(SPOKESMAN));
    assert!(embed_description(&callback).contains("Balkhi"));
    bot.stop().await;
}

const EVERYONE_ARTICLE: &str = "Gralmoor council news\n\n\
Attention @everyone and <@&777> and <@123>: the Gralmoor council announced that the Pellucid \
bridge will reopen in **May** after the repairs.\n";

#[tokio::test]
async fn a_passage_containing_everyone_comes_back_escaped_and_pings_nobody() {
    let bot = Bot::start_with(&[], &[("zz_gralmoor.txt", EVERYONE_ARTICLE)]).await;
    let callback = bot
        .ask("What did the Gralmoor council announce about the Pellucid bridge?")
        .await;
    assert_pings_nobody(&callback["data"]);
    let description = embed_description(&callback);
    assert!(description.contains("Pellucid"), "{description}");
    assert!(description.contains("@\u{200B}everyone"), "{description}");
    assert!(!description.contains("@everyone"), "{description}");
    let unescaped = description.replace("\\<", "");
    assert!(!unescaped.contains("<@"), "{description}");
    assert!(description.contains("\\*\\*May\\*\\*") || description.contains("\\*\\***May**"));
    bot.stop().await;
}

#[tokio::test]
async fn a_second_question_within_the_cooldown_gets_an_ephemeral_slow_down() {
    let bot = Bot::start_with(&[("ANSWER_COOLDOWN_SECS", "60")], &[]).await;
    let first = bot.ask(SPOKESMAN).await;
    assert_eq!(flags(&first) & FLAG_EPHEMERAL, 0);
    let second = bot.ask(SPOKESMAN).await;
    assert_eq!(flags(&second) & FLAG_EPHEMERAL, FLAG_EPHEMERAL);
    let content = second["data"]["content"].as_str().unwrap();
    assert!(content.starts_with("Slow down"), "{content}");
    bot.stop().await;
}

#[tokio::test]
async fn after_the_gateway_drops_the_bot_resumes_and_still_answers() {
    let bot = Bot::start().await;
    bot.double.wait_identified(T).await.expect("identified");
    assert!(bot.ask(SPOKESMAN).await["data"]["embeds"][0].is_object());
    assert_eq!(bot.double.drop_gateway(), 1);
    bot.double.wait_resumed(T).await.expect("resumed");
    assert_eq!(bot.double.identify_count(), 1, "resumed, not re-identified");
    let callback = bot.ask(SPOKESMAN).await;
    assert!(embed_description(&callback).contains("Balkhi"));
    bot.stop().await;
}

#[tokio::test]
async fn help_and_about_answer_ephemerally() {
    let bot = Bot::start().await;
    let help = bot.command(member(), "help", &[]).await;
    assert_eq!(flags(&help) & FLAG_EPHEMERAL, FLAG_EPHEMERAL);
    assert!(embed_description(&help).contains("/ask"));
    let about = bot.command(member(), "about", &[]).await;
    let fields = embed(&about["data"])["fields"].to_string();
    assert!(
        fields.contains("Documents") && fields.contains("<t:"),
        "{fields}"
    );
    bot.stop().await;
}

#[tokio::test]
async fn reload_reports_changed_and_skipped_files_with_the_reason() {
    let bot = Bot::start().await;
    let changed = bot.corpus.path().join("002_04bdb3e7df0483cf.txt");
    let mut text = std::fs::read_to_string(&changed).unwrap();
    text.push_str("\n\nA paragraph added for the reload test about the Zorblatt Observatory.\n");
    std::fs::write(&changed, text).unwrap();
    std::fs::write(bot.corpus.path().join("zz_empty.txt"), "").unwrap();
    std::fs::remove_file(bot.corpus.path().join("004_20b7060dfb18cd1a.txt")).unwrap();
    // Manage Server without the moderator role is enough.
    let admin = Actor::new(
        6101,
        "admin",
        vec![],
        PERMS_MEMBER | payloads::PERM_MANAGE_GUILD,
    );
    let token = bot.push_command(admin, "reload", &[]);
    assert_eq!(bot.callback(&token).await["type"], 5);
    let report = bot.followup(&token).await;
    let field = |name: &str| -> String {
        embed(&report)["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("no field {name}: {report:#}"))["value"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(field("Changed"), escape("002_04bdb3e7df0483cf"));
    assert_eq!(field("Removed"), escape("004_20b7060dfb18cd1a"));
    assert_eq!(field("Added"), "none");
    let skipped = field("Skipped");
    assert!(
        skipped.contains(&escape("zz_empty.txt")) && skipped.contains("empty"),
        "{skipped}"
    );
    let footer = embed(&report)["footer"]["text"].as_str().unwrap();
    assert!(
        footer.starts_with("4 documents now serving · took "),
        "{footer}"
    );
    bot.stop().await;
}

#[tokio::test]
async fn a_reload_that_finds_no_usable_document_keeps_the_old_corpus_serving() {
    let bot = Bot::start().await;
    for entry in std::fs::read_dir(bot.corpus.path()).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    std::fs::write(bot.corpus.path().join("blank.txt"), "   \n").unwrap();
    let moderator = Actor::moderator(6102, "mod", bot.double.moderator_role_id());
    let token = bot.push_command(moderator, "reload", &[]);
    assert_eq!(bot.callback(&token).await["type"], 5);
    let report = bot.followup(&token).await;
    assert_eq!(
        flags(&json!({ "data": report.clone() })) & FLAG_EPHEMERAL,
        FLAG_EPHEMERAL
    );
    let embed = embed(&report);
    assert!(
        embed["title"]
            .as_str()
            .unwrap()
            .contains("previous corpus keeps serving"),
        "{embed:#}"
    );
    assert!(embed["fields"][0]["value"]
        .as_str()
        .unwrap()
        .contains("blank.txt"));
    // Still answering from the old corpus.
    let callback = bot.ask(SPOKESMAN).await;
    assert!(embed_description(&callback).contains("Balkhi"));
    bot.stop().await;
}

#[tokio::test]
async fn a_configured_shard_range_identifies_exactly_those_shards() {
    let bot = Bot::start_with(&[("SHARD_COUNT", "3"), ("SHARD_RANGE", "2-2")], &[]).await;
    let identify = bot.double.wait_identified(T).await.expect("identified");
    assert_eq!(identify["shard"], json!([2, 3]));
    assert_eq!(bot.double.identify_count(), 1);
    bot.stop().await;
}

#[tokio::test]
async fn votes_and_questions_that_found_nothing_are_logged_with_spans() {
    let (logs, _guard) = Logs::capture();

    let bot = Bot::start().await;
    bot.ask("What is the capital of France?").await;
    let token = bot.push_command(
        member(),
        "ask",
        &[("question", OptionValue::str(SPOKESMAN))],
    );
    let callback = bot.callback(&token).await;
    let down = custom_ids(&callback["data"])
        .into_iter()
        .find(|id| id.starts_with("vote:d:"))
        .unwrap();
    let message = bot.double.stored_message(&token).unwrap();
    let env = bot.double.guild_interaction(member());
    bot.double
        .push_interaction(payloads::button_click(&env, &down, message))
        .expect("pushed");
    bot.callback(&env.token).await;
    let text = logs.text();
    bot.stop().await;

    let nothing = text
        .lines()
        .find(|l| l.contains("question found nothing"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        nothing.contains("What is the capital of France?"),
        "{nothing}"
    );
    // No raw user id below debug (the span names the command only).
    assert!(nothing.contains("interaction{command=ask"), "{nothing}");
    assert!(!text.contains("6001"), "{text}");
    let vote = text
        .lines()
        .find(|l| l.contains("feedback"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        vote.contains("vote=\"down\"") || vote.contains("vote=down"),
        "{vote}"
    );
    assert!(vote.contains(SPOKESMAN), "{vote}");
    let (source, paragraph) = first_citation(SPOKESMAN);
    assert!(vote.contains(&format!("{source}#{paragraph}")), "{vote}");
    assert!(
        text.lines()
            .any(|l| l.contains("outcome=\"no_match\"") || l.contains("outcome=no_match")),
        "{text}"
    );
    assert!(text.contains("latency_ms="), "{text}");
    assert!(!text.contains(TOKEN));
}

#[tokio::test]
async fn a_question_with_a_newline_and_escape_codes_is_logged_on_one_escaped_line() {
    let (logs, _guard) = Logs::capture();

    let bot = Bot::start().await;
    bot.ask("Who is the spokesman?\nERROR forged line \u{1b}[31mred\u{1b}[0m")
        .await;
    let text = logs.text();
    bot.stop().await;

    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(
        !text.lines().any(|l| l.starts_with("ERROR forged")),
        "{text}"
    );
    let line = text
        .lines()
        .find(|l| l.contains("forged line"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains(r"spokesman?\nERROR forged line \u{1b}[31mred"),
        "{line}"
    );
}

#[tokio::test]
async fn sources_pages_with_buttons_when_they_do_not_fit_one_embed() {
    let files: Vec<(String, String)> = (0..20)
        .map(|i| {
            (
                format!("zz_extra_{i:02}.txt"),
                format!("Extra article number {i}\n\nThe extra article {i} tells of the Ombrel harbour.\n"),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let bot = Bot::start_with(&[], &files).await;
    let token = bot.push_command(member(), "sources", &[]);
    let first = bot.callback(&token).await;
    let footer = embed(&first["data"])["footer"]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(footer.contains("page 1 of 2"), "{footer}");
    let ids = custom_ids(&first["data"]);
    assert_eq!(ids, ["src:1"]);
    let message = bot.double.stored_message(&token).unwrap();
    let env = bot.double.guild_interaction(member());
    bot.double
        .push_interaction(payloads::button_click(&env, "src:1", message))
        .expect("pushed");
    let second = bot.callback(&env.token).await;
    assert_eq!(second["type"], 7);
    let description = embed(&second["data"])["description"].as_str().unwrap();
    assert!(
        description.contains(&escape("zz_extra_19")),
        "{description}"
    );
    assert_eq!(custom_ids(&second["data"]), ["src:0"]);
    bot.stop().await;
}

/// The `citebot serve` binary, configured from its environment, in an empty working folder
/// (so no `.env` is read).
#[cfg(unix)]
pub(crate) fn serve_command(dir: &Path, env: &[(&str, String)]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_citebot"));
    command
        .arg("serve")
        .current_dir(dir)
        .env_clear()
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    command
}

/// `citebot serve` in `dir` on a copy of the bundled corpus (`dir/corpus`), against `double`.
fn serve_bundled_corpus(double: &DiscordDouble, dir: &Path) -> std::process::Child {
    let corpus = dir.join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    copy_corpus(&corpus);
    serve_command(
        dir,
        &[
            ("DISCORD_TOKEN", TOKEN.to_string()),
            ("DISCORD_API_BASE_URL", double.base_url()),
            ("DISCORD_GUILD_ID", double.guild_id().to_string()),
        ],
    )
    .spawn()
    .unwrap()
}

#[cfg(unix)]
#[tokio::test]
async fn serve_without_a_token_stops_with_one_line_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let output = serve_command(dir.path(), &[]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("DISCORD_TOKEN"), "{stderr}");
}

#[cfg(unix)]
#[tokio::test]
async fn sigterm_while_the_corpus_loads_exits_cleanly() {
    use std::io::BufRead as _;
    let double = DiscordDouble::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = serve_bundled_corpus(&double, dir.path());
    let stdout = child.stdout.take().unwrap();
    let pid = child.id();
    // SIGTERM as soon as start-up says it is loading the corpus.
    let lines = tokio::task::spawn_blocking(move || {
        let mut seen = Vec::new();
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line.unwrap_or_default();
            if line.contains("loading the corpus") {
                std::process::Command::new("kill")
                    .args(["-TERM", &pid.to_string()])
                    .status()
                    .unwrap();
            }
            seen.push(line);
        }
        seen.join("\n")
    });
    let printed = tokio::time::timeout(T, lines)
        .await
        .expect("the bot exits in time")
        .unwrap();
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status:?}\n{printed}");
    assert!(printed.contains("SIGTERM"), "{printed}");
}

#[cfg(unix)]
#[tokio::test]
async fn serve_shuts_down_cleanly_on_sigterm_and_never_prints_the_token() {
    let double = DiscordDouble::start().await;
    let dir = tempfile::tempdir().unwrap();
    let child = serve_bundled_corpus(&double, dir.path());
    let registered = double
        .wait_for_request(|r| r.route == "commands.overwrite", T)
        .await;
    let identified = double.wait_identified(T).await;
    // SIGXFSZ is ignored: a file-size limit makes writes fail instead of killing the bot.
    let status_file = std::fs::read_to_string(format!("/proc/{}/status", child.id()));
    let (status, printed) = crate::support::bot::terminate(child, T).await;
    if let Ok(proc_status) = status_file {
        let ignored = proc_status
            .lines()
            .find_map(|l| l.strip_prefix("SigIgn:"))
            .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
            .expect("SigIgn in /proc");
        let sigxfsz = 25; // on Linux
        assert_ne!(ignored & (1 << (sigxfsz - 1)), 0, "SIGXFSZ is not ignored");
    }
    assert!(registered.is_some(), "{printed}\n{}", double.request_log());
    assert!(identified.is_some(), "{printed}");
    assert!(status.success(), "{status:?}\n{printed}");
    assert!(printed.contains("SIGTERM"), "{printed}");
    assert!(!printed.contains(TOKEN), "the token was printed");
}

#[tokio::test]
async fn in_a_direct_message_ask_answers_and_reload_is_refused() {
    let bot = Bot::start().await;
    let env = bot.double.dm_interaction(member(), 7_778);
    let ask = bot.double.command_id("ask").unwrap();
    bot.double
        .push_interaction(payloads::slash_command(
            &env,
            ask,
            "ask",
            &[("question", OptionValue::str(SPOKESMAN))],
        ))
        .expect("pushed");
    let callback = bot.callback(&env.token).await;
    assert!(embed_description(&callback).contains("Balkhi"));

    let moderator = Actor::moderator(6103, "mod", bot.double.moderator_role_id());
    let env = bot.double.dm_interaction(moderator, 7_779);
    let reload = bot.double.command_id("reload").unwrap();
    bot.double
        .push_interaction(payloads::slash_command(&env, reload, "reload", &[]))
        .expect("pushed");
    let refusal = bot.callback(&env.token).await;
    assert_eq!(refusal["type"], 4);
    assert_eq!(flags(&refusal) & FLAG_EPHEMERAL, FLAG_EPHEMERAL);
    bot.stop().await;
}

#[tokio::test]
async fn more_keeps_working_after_a_restart_and_a_reload() {
    let first = Bot::start().await;
    let token = first.push_command(
        member(),
        "ask",
        &[
            ("question", OptionValue::str(SPOKESMAN)),
            ("results", OptionValue::Integer(1)),
        ],
    );
    let callback = first.callback(&token).await;
    let more = custom_ids(&callback["data"])
        .into_iter()
        .find(|id| id.starts_with("ask:"))
        .expect("a More button");
    let message = first.double.stored_message(&token).unwrap();
    first.stop().await;

    // A new process (nothing in memory), after a reload: the button still works.
    let second = Bot::start().await;
    let moderator = Actor::moderator(6104, "mod", second.double.moderator_role_id());
    let reload = second.push_command(moderator, "reload", &[]);
    second.followup(&reload).await;
    let env = second.double.guild_interaction(member());
    second
        .double
        .push_interaction(payloads::button_click(&env, &more, message))
        .expect("pushed");
    let update = second.callback(&env.token).await;
    assert_eq!(update["type"], 7);
    assert!(embed(&update["data"])["description"]
        .as_str()
        .unwrap()
        .contains("**[2]**"));
    second.stop().await;
}
