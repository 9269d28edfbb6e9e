//! The bot in a busy community, end to end through the real bot and engine against the local
//! Discord double: threads and forum posts, follow-ups, quiet Q&A channels, linked citations,
//! private and targeted answers, paging and votes by others, `/config`, and user install.

use std::time::Duration;

use crate::support::bot::Bot;
use crate::support::discord_double::payloads;
use crate::support::discord_double::{
    Actor, DiscordDouble, MessageSpec, OptionValue, RecordedRequest,
};
use crate::support::reply::{assert_pings_nobody, custom_ids, embed, flags, FLAG_EPHEMERAL};
use citebot::discord::render::{escape, ASK_ME};
use serde_json::{json, Value};

/// Every wait is bounded by this.
const T: Duration = Duration::from_secs(15);
/// How long to watch for something that must not happen.
const QUIET: Duration = Duration::from_millis(700);
const TOKEN: &str = "community-secret-token.xyz";

const SPOKESMAN: &str = "Who is the spokesman of the Taliban's foreign ministry?";
const DAESH: &str = "What did the Taliban say about Daesh?";
const FOLLOW_UP: &str = "and who is accused of nurturing it?";

fn alice() -> Actor {
    Actor::member(6001, "alice")
}

fn bob() -> Actor {
    Actor::member(6002, "bob")
}

async fn start(env: &[(&str, &str)], files: &[(&str, &str)]) -> Bot {
    let mut vars = vec![("ANSWER_COOLDOWN_SECS", "0")];
    vars.extend_from_slice(env);
    Bot::launch(DiscordDouble::start().await, TOKEN, &vars, files).await
}

async fn callback(bot: &Bot, token: &str) -> Value {
    let request = bot
        .double
        .wait_for_request(
            |r| r.route == "interaction.callback" && r.path.contains(token),
            T,
        )
        .await
        .unwrap_or_else(|| panic!("no callback\n{}", bot.double.request_log()));
    request.body.expect("callback body")
}

async fn command(bot: &Bot, actor: Actor, name: &str, options: &[(&str, OptionValue)]) -> Value {
    let token = bot.push_command(actor, name, options);
    callback(bot, &token).await
}

fn description(data: &Value) -> String {
    embed(data)["description"]
        .as_str()
        .unwrap_or_else(|| panic!("no embed: {data:#}"))
        .to_string()
}

/// The bot's messages posted in `channel`.
fn posts_in(bot: &Bot, channel: u64) -> Vec<RecordedRequest> {
    let path = format!("/api/v10/channels/{channel}/messages");
    bot.double
        .requests()
        .into_iter()
        .filter(|r| r.route == "messages.create" && r.path == path)
        .collect()
}

async fn first_post_in(bot: &Bot, channel: u64) -> Value {
    let path = format!("/api/v10/channels/{channel}/messages");
    bot.double
        .wait_for_request(|r| r.route == "messages.create" && r.path == path, T)
        .await
        .unwrap_or_else(|| panic!("nothing posted in {channel}\n{}", bot.double.request_log()))
        .body
        .expect("a body")
}

async fn reply_to(bot: &Bot, message_id: u64) -> Value {
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
        .body
        .expect("a body")
}

async fn reaction_on(bot: &Bot, message_id: u64) -> String {
    bot.double
        .wait_until(T, || {
            bot.double
                .reactions()
                .into_iter()
                .find(|(_, m, _)| *m == message_id)
                .map(|(_, _, emoji)| emoji)
        })
        .await
        .unwrap_or_else(|| panic!("no reaction on {message_id}\n{}", bot.double.request_log()))
}

/// Waits until the messages pushed so far were handled (an ignored one leaves no trace), by
/// asking a marker question by DM from a member of its own (cooldowns are per member) and
/// waiting for its answer, then watching a moment longer for stragglers.
async fn settle(bot: &Bot) {
    let marker_user = Actor::member(6999, "marker");
    let marker = MessageSpec::new(bot.double.new_id(), 7_900, None, marker_user, SPOKESMAN);
    bot.double.push_message(&marker).expect("pushed");
    reply_to(bot, marker.id).await;
    tokio::time::sleep(QUIET).await;
}

#[tokio::test]
async fn a_question_in_a_thread_channel_is_answered_in_a_thread_named_after_it() {
    let bot = start(&[("THREAD_CHANNEL_IDS", "3000")], &[]).await;
    let question = bot.double.guild_message(alice(), SPOKESMAN);
    bot.double.push_message(&question).expect("pushed");
    let started = bot
        .double
        .wait_for_request(|r| r.route == "threads.from_message", T)
        .await
        .unwrap_or_else(|| panic!("no thread\n{}", bot.double.request_log()));
    assert_eq!(
        started.path,
        format!("/api/v10/channels/3000/messages/{}/threads", question.id)
    );
    assert_eq!(started.body_str("/name"), Some(SPOKESMAN));
    assert_eq!(started.status, 200);
    // The thread's id is the question's: the answer is posted there, not in the channel.
    let answer = first_post_in(&bot, question.id).await;
    assert_pings_nobody(&answer);
    assert_eq!(embed(&answer)["title"], escape(SPOKESMAN));
    assert!(description(&answer).contains("Balkhi"));
    settle(&bot).await;
    assert!(
        posts_in(&bot, 3000).is_empty(),
        "{}",
        bot.double.request_log()
    );
    bot.shut_down().await;
}

/// A follow-up whose own words find nothing ("and what else did they say about it?") is read
/// as the whole conversation, so it gets quotes, not a 🔍.
#[tokio::test]
async fn a_follow_up_with_only_pronouns_is_answered_from_the_whole_conversation() {
    let bot = start(&[("THREAD_CHANNEL_IDS", "3000")], &[]).await;
    let question = bot.double.guild_message(alice(), DAESH);
    bot.double.push_message(&question).expect("pushed");
    let thread = question.id;
    first_post_in(&bot, thread).await;
    let vague = "and what else did they say about it?";
    let follow_up = bot.double.thread_message(thread, bob(), vague);
    bot.double.push_message(&follow_up).expect("pushed");
    let answer = reply_to(&bot, follow_up.id).await;
    assert_eq!(embed(&answer)["title"], escape(vague));
    assert!(description(&answer).contains("Daesh"), "{answer:#}");
    bot.shut_down().await;
}

#[tokio::test]
async fn a_follow_up_in_the_bots_thread_is_answered_with_the_first_question_as_context() {
    let bot = start(&[("THREAD_CHANNEL_IDS", "3000")], &[]).await;
    let question = bot.double.guild_message(alice(), DAESH);
    bot.double.push_message(&question).expect("pushed");
    let thread = question.id;
    first_post_in(&bot, thread).await;

    // No mention: in the bot's own thread, a question is enough.
    let follow_up = bot.double.thread_message(thread, bob(), FOLLOW_UP);
    bot.double.push_message(&follow_up).expect("pushed");
    let answer = reply_to(&bot, follow_up.id).await;
    assert_eq!(embed(&answer)["title"], escape(FOLLOW_UP));
    let footer = embed(&answer)["footer"]["text"].as_str().unwrap();
    assert!(
        footer.contains(&format!("Follow-up to: {DAESH}")),
        "{footer}"
    );
    // "it" is Daesh: the quotes (not only their citations) speak of the group and the
    // accusation.
    let quoted: String = description(&answer)
        .lines()
        .filter(|l| l.starts_with("> "))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        (quoted.contains("Islamic State") || quoted.contains("Daesh"))
            && (quoted.contains("accus") || quoted.contains("US is behind")),
        "the follow-up found Daesh through its context: {quoted}"
    );

    // Paging the follow-up asks again with the same context, read back from the footer: a
    // page of one quote (as `/ask results:1` would make) shows the second result.
    let total: usize = footer
        .lines()
        .next()
        .and_then(|l| l.split(" of ").nth(1))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{footer}"));
    assert!(total >= 2, "{footer}");
    let key = citebot::discord::buttons::answer_key(FOLLOW_UP, Some(DAESH));
    let page = format!("ask:{key}:1:1:6002");
    let mut spec = MessageSpec::new(
        bot.double.new_id(),
        thread,
        Some(bot.double.guild_id()),
        bot.double.bot_actor(),
        "",
    );
    spec.embeds = answer["embeds"].as_array().cloned().unwrap_or_default();
    let env = bot.double.guild_interaction(bob());
    bot.double
        .push_interaction(payloads::button_click(
            &env,
            &page,
            payloads::message_object(&spec),
        ))
        .expect("pushed");
    let second = callback(&bot, &env.token).await;
    assert_eq!(second["type"], 7, "bob asked the follow-up: his page turns");
    let second_text = description(&second["data"]);
    assert!(second_text.contains("**[2]**"), "{second_text}");
    assert_eq!(
        embed(&second["data"])["footer"]["text"]
            .as_str()
            .unwrap()
            .lines()
            .last(),
        Some(format!("Follow-up to: {DAESH}").as_str())
    );

    // Chatter in the thread is left alone: no reply, no reaction.
    let thanks = bot
        .double
        .thread_message(thread, bob(), "thanks, that helps!");
    bot.double.push_message(&thanks).expect("pushed");
    settle(&bot).await;
    assert_eq!(
        posts_in(&bot, thread).len(),
        2,
        "{}",
        bot.double.request_log()
    );
    assert!(bot.double.reactions().is_empty());
    bot.shut_down().await;
}

#[tokio::test]
async fn a_forum_post_in_an_auto_forum_is_answered_in_the_post() {
    let bot = start(&[("ASK_CHANNEL_IDS", "3100")], &[]).await;
    let post = bot
        .double
        .post_in_forum(alice(), "Foreign ministry spokesman", SPOKESMAN);
    let answer = reply_to(&bot, post.id).await;
    assert!(description(&answer).contains("Balkhi"));
    assert_eq!(posts_in(&bot, post.id).len(), 1, "answered inside the post");

    // A member's thread under a channel in the default mode is not the bot's business.
    let thread = bot.double.open_thread(3000, 6001, "chat");
    let question = bot.double.thread_message(thread, alice(), SPOKESMAN);
    bot.double.push_message(&question).expect("pushed");
    settle(&bot).await;
    assert!(
        posts_in(&bot, thread).is_empty(),
        "{}",
        bot.double.request_log()
    );
    bot.shut_down().await;
}

#[tokio::test]
async fn a_qa_channel_answers_questions_and_reacts_instead_of_posting_no_match_or_cooldown() {
    let bot = start(
        &[("ASK_CHANNEL_IDS", "3000"), ("ANSWER_COOLDOWN_SECS", "60")],
        &[],
    )
    .await;
    // Chatter, and a member answering another member: left alone.
    let thanks = bot.double.guild_message(alice(), "thanks, that helps!");
    bot.double.push_message(&thanks).expect("pushed");
    let bobs = bot.double.guild_message(bob(), "Anyone here?");
    let to_bob = bot
        .double
        .guild_message(alice(), "Who knows? Ask the spokesman of the ministry?")
        .replying_to(payloads::message_object(&bobs));
    bot.double.push_message(&to_bob).expect("pushed");
    settle(&bot).await;
    assert!(
        posts_in(&bot, 3000).is_empty(),
        "{}",
        bot.double.request_log()
    );
    assert!(bot.double.reactions().is_empty());

    // Nothing in the corpus: a 🔍 on the question, no public text.
    let france = bot
        .double
        .guild_message(bob(), "What is the capital of France?");
    bot.double.push_message(&france).expect("pushed");
    assert_eq!(reaction_on(&bot, france.id).await, "🔍");

    // A real answer is public; the asker's next question within the cooldown gets ⏳.
    let question = bot.double.guild_message(alice(), SPOKESMAN);
    bot.double.push_message(&question).expect("pushed");
    assert!(description(&reply_to(&bot, question.id).await).contains("Balkhi"));
    let again = bot.double.guild_message(alice(), DAESH);
    bot.double.push_message(&again).expect("pushed");
    assert_eq!(reaction_on(&bot, again.id).await, "⏳");
    settle(&bot).await;
    assert_eq!(
        posts_in(&bot, 3000).len(),
        1,
        "{}",
        bot.double.request_log()
    );
    // One cooldown whichever way a member asks: `/ask` is no way round it, and it is hers
    // alone (another member who has not asked yet is answered).
    let slash = bot
        .command(alice(), "ask", &[("question", OptionValue::str(DAESH))])
        .await;
    let content = slash["data"]["content"].as_str().unwrap_or_default();
    assert!(content.starts_with("Slow down"), "{slash:#}");
    assert_eq!(flags(&slash) & FLAG_EPHEMERAL, FLAG_EPHEMERAL);
    let carol = Actor::member(6003, "carol");
    let carols = bot
        .command(carol, "ask", &[("question", OptionValue::str(SPOKESMAN))])
        .await;
    assert!(embed(&carols["data"])["description"]
        .as_str()
        .is_some_and(|d| d.contains("Balkhi")));
    bot.shut_down().await;
}

fn mention(bot: &Bot, actor: Actor, content: &str) -> MessageSpec {
    let mut spec = bot.double.guild_message(actor, content);
    spec.mentions = vec![payloads::user_object(
        bot.double.bot_user_id(),
        "citebot",
        true,
    )];
    spec
}

#[tokio::test]
async fn a_bare_mention_in_a_reply_asks_the_replied_to_message_and_alone_gets_one_line() {
    let bot = start(&[], &[]).await;
    let bot_id = bot.double.bot_user_id();
    let question = bot.double.guild_message(bob(), SPOKESMAN);
    let asking = mention(&bot, alice(), &format!("<@{bot_id}>"))
        .replying_to(payloads::message_object(&question));
    bot.double.push_message(&asking).expect("pushed");
    let answer = reply_to(&bot, asking.id).await;
    assert_eq!(embed(&answer)["title"], escape(SPOKESMAN));
    assert_eq!(answer["message_reference"]["fail_if_not_exists"], false);
    assert_pings_nobody(&answer);

    let bare = mention(&bot, alice(), &format!("<@{bot_id}>"));
    bot.double.push_message(&bare).expect("pushed");
    let line = reply_to(&bot, bare.id).await;
    assert_eq!(line["content"], ASK_ME);
    assert!(!ASK_ME.contains('\n') && !ASK_ME.contains("empty question"));
    bot.shut_down().await;
}

const LINKED_ARTICLE: &str = "---\ntitle: Zorblatt comet seen again\nurl: https://news.example.org/zorblatt_(2023)?id=7\npublisher: Gralmoor Gazette\ndate: 2023-10-12\n---\n\
Zorblatt comet seen again\n\n\
The astronomer Helga Quillmaster confirmed on Monday that the Zorblatt comet returned to the northern sky after 76 years.\n";

#[tokio::test]
async fn citations_link_the_title_and_name_publisher_and_date_from_front_matter() {
    let bot = start(&[], &[("zz_zorblatt.md", LINKED_ARTICLE)]).await;
    let callback = command(
        &bot,
        alice(),
        "ask",
        &[(
            "question",
            OptionValue::str("Who confirmed that the Zorblatt comet returned?"),
        )],
    )
    .await;
    let text = description(&callback["data"]);
    assert!(
        text.contains(
            // The link opens the page at the quote: a text fragment of its first and last words.
            "**[1]** [Zorblatt comet seen again](<https://news.example.org/zorblatt_%282023%29?id=7#:~:text=The%20astronomer%20Helga%20Quillmaster,sky%20after%2076%20years.>) · Gralmoor Gazette, 2023\\-10\\-12 ¶"
        ),
        "{text}"
    );
    assert!(!text.contains("zz\\_zorblatt"), "no source id: {text}");
    bot.shut_down().await;
}

#[tokio::test]
async fn source_autocomplete_matches_title_words_in_any_order() {
    let bot = start(&[], &[]).await;
    let env = bot.double.guild_interaction(alice());
    let source = bot.double.command_id("source").unwrap();
    bot.double
        .push_interaction(payloads::autocomplete(
            &env,
            source,
            "source",
            &[],
            ("id", 3, "iranian taliban"),
        ))
        .expect("pushed");
    let choices = callback(&bot, &env.token).await;
    let names: Vec<String> = choices["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(!names.is_empty(), "{choices:#}");
    assert!(
        names
            .iter()
            .all(|n| n.contains("iranian") && n.contains("taliban")),
        "{names:?}"
    );
    bot.shut_down().await;
}

#[tokio::test]
async fn ask_private_is_ephemeral_and_ask_for_pings_only_that_member() {
    let bot = start(&[], &[]).await;
    let private = command(
        &bot,
        alice(),
        "ask",
        &[
            ("question", OptionValue::str(SPOKESMAN)),
            ("private", OptionValue::Boolean(true)),
        ],
    )
    .await;
    assert_eq!(flags(&private) & FLAG_EPHEMERAL, FLAG_EPHEMERAL);
    assert!(description(&private["data"]).contains("Balkhi"));

    let for_bob = command(
        &bot,
        alice(),
        "ask",
        &[
            ("question", OptionValue::str(SPOKESMAN)),
            ("for", OptionValue::User(6002)),
        ],
    )
    .await;
    let data = &for_bob["data"];
    assert_eq!(flags(&for_bob) & FLAG_EPHEMERAL, 0);
    assert_eq!(data["content"], "For <@6002>:");
    assert_eq!(data["allowed_mentions"]["users"], json!(["6002"]));
    assert_eq!(data["allowed_mentions"]["parse"], json!([]));
    assert!(data["allowed_mentions"]["roles"]
        .as_array()
        .is_none_or(Vec::is_empty));
    assert!(description(data).contains("Balkhi"));
    bot.shut_down().await;
}

#[tokio::test]
async fn ask_the_corpus_answers_for_the_author_of_the_message_with_a_link_to_it() {
    let bot = start(&[], &[]).await;
    let target = bot.double.guild_message(bob(), SPOKESMAN);
    let env = bot.double.guild_interaction(alice());
    let id = bot.double.command_id("Ask the corpus").unwrap();
    bot.double
        .push_interaction(payloads::message_context_command(
            &env,
            id,
            "Ask the corpus",
            payloads::message_object(&target),
        ))
        .expect("pushed");
    let answer = callback(&bot, &env.token).await;
    let data = &answer["data"];
    assert_eq!(
        data["content"],
        format!(
            "For <@6002>'s [message](https://discord.com/channels/2000/3000/{}):",
            target.id
        )
    );
    assert_eq!(data["allowed_mentions"]["users"], json!(["6002"]));
    assert!(description(data).contains("Balkhi"));
    bot.shut_down().await;
}

#[tokio::test]
async fn others_pressing_more_get_their_own_copy_and_a_vote_counts_once() {
    let bot = start(&[], &[]).await;
    let token = bot.push_command(
        alice(),
        "ask",
        &[
            ("question", OptionValue::str(SPOKESMAN)),
            ("results", OptionValue::Integer(1)),
        ],
    );
    let answer = callback(&bot, &token).await;
    let ids = custom_ids(&answer["data"]);
    let more = ids
        .iter()
        .find(|id| id.starts_with("ask:"))
        .unwrap()
        .clone();
    assert!(more.ends_with(":6001"), "{more}");
    let message = bot.double.stored_message(&token).unwrap();

    let env = bot.double.guild_interaction(bob());
    bot.double
        .push_interaction(payloads::button_click(&env, &more, message.clone()))
        .expect("pushed");
    let copy = callback(&bot, &env.token).await;
    assert_eq!(copy["type"], 4, "a new message, not an update of alice's");
    assert_eq!(flags(&copy) & FLAG_EPHEMERAL, FLAG_EPHEMERAL);
    assert!(description(&copy["data"]).contains("**[2]**"));
    let copy_more = custom_ids(&copy["data"])
        .into_iter()
        .find(|id| id.starts_with("ask:"))
        .expect("the copy pages too");
    assert!(copy_more.ends_with(":6002"), "bob's own: {copy_more}");
    assert!(description(&bot.double.stored_message(&token).unwrap()).contains("**[1]**"));

    let up = ids.iter().find(|id| id.starts_with("vote:u:")).unwrap();
    let mut replies = Vec::new();
    for _ in 0..2 {
        let env = bot.double.guild_interaction(bob());
        bot.double
            .push_interaction(payloads::button_click(&env, up, message.clone()))
            .expect("pushed");
        replies.push(callback(&bot, &env.token).await);
    }
    let first = replies[0]["data"]["content"].as_str().unwrap();
    let second = replies[1]["data"]["content"].as_str().unwrap();
    assert!(
        first.starts_with("Thanks") && first.contains("counts once"),
        "{first}"
    );
    assert!(second.contains("already voted"), "{second}");
    // The other button replaces the vote.
    let down = ids.iter().find(|id| id.starts_with("vote:d:")).unwrap();
    let env = bot.double.guild_interaction(bob());
    bot.double
        .push_interaction(payloads::button_click(&env, down, message.clone()))
        .expect("pushed");
    let changed = callback(&bot, &env.token).await;
    let changed = changed["data"]["content"].as_str().unwrap();
    assert!(changed.starts_with("Changed your vote to 👎"), "{changed}");
    bot.shut_down().await;
}

/// The value Discord sends for `/config`'s mode `name`: the registered choice's value.
fn mode(bot: &Bot, name: &str) -> OptionValue {
    let registered = bot.double.registered_commands();
    let config = registered
        .values()
        .flatten()
        .find(|c| c["name"] == "config")
        .expect("config registered");
    let option = config["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "mode")
        .expect("a mode option");
    let choice = option["choices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no choice {name}: {option:#}"));
    match &choice["value"] {
        Value::Number(n) => OptionValue::Integer(n.as_i64().unwrap()),
        Value::String(s) => OptionValue::str(s),
        other => panic!("choice value {other}"),
    }
}

#[tokio::test]
async fn config_sets_a_channel_mode_for_moderators_and_it_survives_a_restart() {
    let bot = start(&[], &[]).await;
    let refused = command(
        &bot,
        alice(),
        "config",
        &[
            ("channel", OptionValue::Channel(3000)),
            ("mode", mode(&bot, "auto")),
        ],
    )
    .await;
    assert!(refused["data"]["content"]
        .as_str()
        .unwrap()
        .starts_with("Only moderators can set"));

    let moderator = Actor::moderator(6100, "mod", bot.double.moderator_role_id());
    let set = command(
        &bot,
        moderator.clone(),
        "config",
        &[
            ("channel", OptionValue::Channel(3000)),
            ("mode", mode(&bot, "auto")),
        ],
    )
    .await;
    assert_eq!(flags(&set) & FLAG_EPHEMERAL, FLAG_EPHEMERAL);
    let content = set["data"]["content"].as_str().unwrap();
    assert!(content.starts_with("<#3000> is now `auto`"), "{content}");
    let question = bot.double.guild_message(alice(), SPOKESMAN);
    bot.double.push_message(&question).expect("pushed");
    assert!(description(&reply_to(&bot, question.id).await).contains("Balkhi"));
    let about = command(&bot, moderator.clone(), "about", &[]).await;
    let fields = embed(&about["data"])["fields"].to_string();
    assert!(fields.contains("<#3000> auto"), "{fields}");
    assert!(
        fields.contains("Passages"),
        "moderators see the internals: {fields}"
    );
    let about = command(&bot, alice(), "about", &[]).await;
    let fields = embed(&about["data"])["fields"].to_string();
    assert!(!fields.contains("Passages"), "members do not: {fields}");

    // A new process over the same saved settings: the channel is still `auto`.
    let saved = std::fs::read_to_string(citebot::discord::channels::modes_file(bot.corpus.path()))
        .expect("saved beside the corpus");
    bot.shut_down().await;
    let again = start(&[], &[(".citebot/channel-modes.json", saved.as_str())]).await;
    let question = again.double.guild_message(alice(), SPOKESMAN);
    again.double.push_message(&question).expect("pushed");
    assert!(description(&reply_to(&again, question.id).await).contains("Balkhi"));

    // `off`: not even a mention is answered there.
    let moderator = Actor::moderator(6100, "mod", again.double.moderator_role_id());
    command(
        &again,
        moderator,
        "config",
        &[
            ("channel", OptionValue::Channel(3000)),
            ("mode", mode(&again, "off")),
        ],
    )
    .await;
    let bot_id = again.double.bot_user_id();
    let ignored = mention(&again, alice(), &format!("<@{bot_id}> {SPOKESMAN}"));
    again.double.push_message(&ignored).expect("pushed");
    settle(&again).await;
    assert_eq!(
        posts_in(&again, 3000).len(),
        1,
        "{}",
        again.double.request_log()
    );
    again.shut_down().await;
}

#[tokio::test]
async fn global_registration_lets_users_install_the_bot_and_keeps_moderation_in_guilds() {
    let bot = start(&[("DISCORD_GUILD_ID", "")], &[]).await;
    let registered = bot.double.registered_commands();
    let commands = registered.get("global").expect("registered globally");
    for command in commands {
        let name = command["name"].as_str().unwrap();
        assert!(
            command.get("dm_permission").is_none_or(Value::is_null),
            "{name}"
        );
        if name == "reload" || name == "config" || name == "gaps" {
            assert_eq!(command["integration_types"], json!([0]), "{name}");
            assert_eq!(command["contexts"], json!([0]), "{name}");
        } else {
            assert_eq!(command["integration_types"], json!([0, 1]), "{name}");
            assert_eq!(command["contexts"], json!([0, 1, 2]), "{name}");
        }
    }
    assert_eq!(commands.len(), 9);

    // Installed by a user, used in a group DM the bot is not in.
    let env = bot
        .double
        .dm_interaction(alice(), 7_801)
        .in_private_channel();
    let ask = bot.double.command_id("ask").unwrap();
    bot.double
        .push_interaction(payloads::slash_command(
            &env,
            ask,
            "ask",
            &[("question", OptionValue::str(SPOKESMAN))],
        ))
        .expect("pushed");
    let answer = callback(&bot, &env.token).await;
    assert!(description(&answer["data"]).contains("Balkhi"));
    assert_pings_nobody(&answer["data"]);
    bot.shut_down().await;
}

#[tokio::test]
async fn a_question_too_long_for_the_title_keeps_more_and_its_next_page_works() {
    let bot = start(&[], &[]).await;
    // 300 characters: past the title's 256, within /ask's 500.
    let question = [SPOKESMAN; 5].join(" ");
    assert!(question.len() > 256 && question.len() <= 500);
    let token = bot.push_command(
        alice(),
        "ask",
        &[
            ("question", OptionValue::str(&question)),
            ("results", OptionValue::Integer(1)),
        ],
    );
    let answer = callback(&bot, &token).await;
    let title = embed(&answer["data"])["title"].as_str().unwrap();
    assert!(title.ends_with('…'), "{title}");
    let more = custom_ids(&answer["data"])
        .into_iter()
        .find(|id| id.starts_with("ask:"))
        .expect("a long question keeps More");
    let message = bot.double.stored_message(&token).unwrap();
    let env = bot.double.guild_interaction(alice());
    bot.double
        .push_interaction(payloads::button_click(&env, &more, message))
        .expect("pushed");
    let page = callback(&bot, &env.token).await;
    assert_eq!(page["type"], 7);
    assert!(description(&page["data"]).contains("**[2]**"));
    bot.shut_down().await;
}
