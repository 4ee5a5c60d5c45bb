using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

/// <summary>
/// Full-text message search in one room and across the caller's rooms: what is found, in which
/// order, how it is highlighted, and above all what is never found.
/// </summary>
public sealed class MessageSearchTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task Search_never_finds_a_private_message_between_others_in_the_room_or_across_rooms()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        var other = await alice.CreateRoomAsync(Node, name: "other");
        await carol.JoinAsync(Node, other.Id);
        await bob.JoinAsync(Node, other.Id);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol);
        var toBob = await aliceHub.SendPrivateAsync(room.Id, bob.Id, "swordfish is the vault password");
        var toAlice = await bobHub.SendPrivateAsync(room.Id, alice.Id, "swordfish vault reply");
        var elsewhere = await aliceHub.SendPrivateAsync(other.Id, bob.Id, "swordfish vault note for bob");
        var carols = await carolHub.SendPrivateAsync(other.Id, alice.Id, "swordfish vault from carol");
        var open = await aliceHub.SendTextAsync(room.Id, "swordfish for everyone");
        using var carolHttp = Node.Http(carol.Token);

        // Every way of asking for the private words: plain, as a phrase, with or, with a negation
        // that only the public message fails, in the room and across rooms.
        string[] attempts = ["swordfish", "vault", "\"vault password\"", "password or reply or note", "swordfish -everyone", "vault -nothing"];
        foreach (var q in attempts)
        {
            foreach (var roomId in new Guid?[] { room.Id, other.Id, null })
            {
                var found = (await carolHttp.SearchPageAsync(roomId, q)).Hits.Select(h => h.Message.Id).ToList();
                Assert.DoesNotContain(toBob.MessageId, found);
                Assert.DoesNotContain(toAlice.MessageId, found);
                Assert.DoesNotContain(elsewhere.MessageId, found);
            }
        }

        // What carol may see is found: the public message, and her own private one.
        var everywhere = await carolHttp.SearchPageAsync(null, "swordfish");
        Assert.Equal(new[] { carols.MessageId, open.MessageId }.Order(), everywhere.Hits.Select(h => h.Message.Id).Order());
        // The two users of a private message find it, each.
        using var bobHttp = Node.Http(bob.Token);
        var atBob = await bobHttp.SearchPageAsync(room.Id, "vault");
        Assert.Equal(new[] { toBob.MessageId, toAlice.MessageId }.Order(), atBob.Hits.Select(h => h.Message.Id).Order());
        Assert.Equal(bob.Id, Assert.Single(atBob.Hits, h => h.Message.Id == toBob.MessageId).Message.ToUserId);
    }

    [Fact]
    public async Task A_user_who_is_not_a_member_finds_nothing_and_may_not_search_the_room()
    {
        var (alice, _, room) = await TestRooms.OfTwoAsync(Node);
        var secret = await alice.CreateRoomAsync(Node, isPrivate: true, name: "secret");
        var outsider = await TestUser.RegisterAsync(Node, "outsider");
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await aliceHub.SendTextAsync(room.Id, "marmalade in public");
        await aliceHub.SendTextAsync(secret.Id, "marmalade in private");
        using var http = Node.Http(outsider.Token);

        Assert.Empty((await http.SearchPageAsync(null, "marmalade")).Hits);
        // A public room is there to see, so not searching it is forbidden; a private one does not exist to outsiders.
        using var publicRoom = await http.SearchMessagesAsync(room.Id, "marmalade");
        await ProblemAssert.HasCodeAsync(publicRoom, HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        using var privateRoom = await http.SearchMessagesAsync(secret.Id, "marmalade");
        await ProblemAssert.HasCodeAsync(privateRoom, HttpStatusCode.NotFound, ErrorCodes.NotFound);
        using var noRoom = await http.SearchMessagesAsync(Guid.NewGuid(), "marmalade");
        await ProblemAssert.HasCodeAsync(noRoom, HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Messages_of_a_blocked_user_are_not_found_until_they_are_unblocked()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        var fromAlice = await aliceHub.SendTextAsync(room.Id, "kumquat season");
        var fromBob = await bobHub.SendTextAsync(room.Id, "kumquat jam");
        using var bobHttp = Node.Http(bob.Token);

        await bobHttp.BlockAsync(alice.Id).ExpectSuccessAsync();
        var blocked = await bobHttp.SearchPageAsync(room.Id, "kumquat");
        var blockedEverywhere = await bobHttp.SearchPageAsync(null, "kumquat");
        await bobHttp.UnblockAsync(alice.Id).ExpectAsync(HttpStatusCode.NoContent);
        var unblocked = await bobHttp.SearchPageAsync(room.Id, "kumquat");

        Assert.Equal([fromBob.MessageId], blocked.Hits.Select(h => h.Message.Id));
        Assert.Equal([fromBob.MessageId], blockedEverywhere.Hits.Select(h => h.Message.Id));
        Assert.Equal(new[] { fromAlice.MessageId, fromBob.MessageId }.Order(), unblocked.Hits.Select(h => h.Message.Id).Order());
        // Alice blocked nobody: she finds both.
        using var aliceHttp = Node.Http(alice.Token);
        Assert.Equal(2, (await aliceHttp.SearchPageAsync(room.Id, "kumquat")).Hits.Count);
    }

    [Fact]
    public async Task Rooms_the_user_left_was_kicked_from_or_banned_from_are_not_searched()
    {
        var admin = await TestUser.RegisterAsync(Node, "admin");
        var user = await TestUser.RegisterAsync(Node, "user");
        var left = await admin.CreateRoomAsync(Node, name: "left");
        var kicked = await admin.CreateRoomAsync(Node, name: "kicked");
        var banned = await admin.CreateRoomAsync(Node, name: "banned");
        var stays = await admin.CreateRoomAsync(Node, name: "stays");
        await using var adminHub = await HubClient.ConnectAsync(Node, admin);
        foreach (var room in new[] { left, kicked, banned, stays })
        {
            await user.JoinAsync(Node, room.Id);
            await adminHub.SendTextAsync(room.Id, $"quince in {room.Name}");
        }

        using var http = Node.Http(user.Token);
        Assert.Equal(4, (await http.SearchPageAsync(null, "quince")).Hits.Count);

        await http.LeaveAsync(left.Id).ExpectAsync(HttpStatusCode.NoContent);
        using var adminHttp = Node.Http(admin.Token);
        await adminHttp.KickAsync(kicked.Id, user.Id).ExpectAsync(HttpStatusCode.NoContent);
        await adminHttp.BanAsync(banned.Id, user.Id).ExpectAsync(HttpStatusCode.NoContent);

        var everywhere = await http.SearchPageAsync(null, "quince");
        Assert.Equal(stays.Id, Assert.Single(everywhere.Hits).Message.RoomId);
        using var inLeft = await http.SearchMessagesAsync(left.Id, "quince");
        await ProblemAssert.HasCodeAsync(inLeft, HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        using var inKicked = await http.SearchMessagesAsync(kicked.Id, "quince");
        await ProblemAssert.HasCodeAsync(inKicked, HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        using var inBanned = await http.SearchMessagesAsync(banned.Id, "quince");
        await ProblemAssert.HasCodeAsync(inBanned, HttpStatusCode.Forbidden, ErrorCodes.Banned);
    }

    [Fact]
    public async Task Deleted_messages_are_not_found_and_edited_ones_are_found_by_their_new_words()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var deleted = await aliceHub.SendTextAsync(room.Id, "persimmon to delete");
        var edited = await aliceHub.SendTextAsync(room.Id, "persimmon before the edit");
        var kept = await aliceHub.SendTextAsync(room.Id, "persimmon kept");

        await aliceHub.DeleteMessageAsync(room.Id, deleted.MessageId);
        await aliceHub.EditMessageAsync(room.Id, edited.MessageId, "tamarind after the edit");
        using var http = Node.Http(bob.Token);

        Assert.Equal([kept.MessageId], (await http.SearchPageAsync(room.Id, "persimmon")).Hits.Select(h => h.Message.Id));
        Assert.Empty((await http.SearchPageAsync(room.Id, "delete")).Hits);
        var byNewWords = Assert.Single((await http.SearchPageAsync(room.Id, "tamarind")).Hits);
        Assert.Equal((edited.MessageId, "tamarind after the edit"), (byNewWords.Message.Id, byNewWords.Message.Content));
        Assert.NotNull(byNewWords.Message.EditedAt);
    }

    [Fact]
    public async Task The_best_match_comes_first_across_rooms()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        var other = await alice.CreateRoomAsync(Node, name: "other");
        await bob.JoinAsync(Node, other.Id);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var once = await aliceHub.SendTextAsync(room.Id, "an apple and a long list of other fruit like pears and plums");
        var thrice = await aliceHub.SendTextAsync(other.Id, "apple apple apple");
        var twice = await aliceHub.SendTextAsync(room.Id, "apple pie, apple tart");
        await aliceHub.SendTextAsync(room.Id, "no fruit here");
        using var http = Node.Http(bob.Token);

        var page = await http.SearchPageAsync(null, "apple");

        Assert.Equal([thrice.MessageId, twice.MessageId, once.MessageId], page.Hits.Select(h => h.Message.Id));
        Assert.True(page.Hits[0].Rank > page.Hits[1].Rank && page.Hits[1].Rank > page.Hits[2].Rank);
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task The_highlight_escapes_the_message_and_marks_the_matches()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await aliceHub.SendTextAsync(room.Id, "<script>alert(\"pwned\")</script> & 'quotes' <b>bold</b> alert");
        using var http = Node.Http(bob.Token);

        var hit = Assert.Single((await http.SearchPageAsync(room.Id, "alert")).Hits);
        // Searching for what looked like a tag finds it too: it is text in a chat.
        var byTagName = Assert.Single((await http.SearchPageAsync(room.Id, "script")).Hits);

        Assert.Equal(
            "&lt;script&gt;<mark>alert</mark>(&quot;pwned&quot;)&lt;/script&gt; &amp; &#39;quotes&#39; &lt;b&gt;bold&lt;/b&gt; <mark>alert</mark>",
            hit.Highlight);
        Assert.Equal("<script>alert(\"pwned\")</script> & 'quotes' <b>bold</b> alert", hit.Message.Content);
        Assert.Contains("&lt;<mark>script</mark>&gt;", byTagName.Highlight, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Web_search_syntax_matches_phrases_alternatives_and_exclusions()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var quickBrown = await aliceHub.SendTextAsync(room.Id, "the quick brown fox");
        var brownQuick = await aliceHub.SendTextAsync(room.Id, "a brown and quick fox");
        var lazyDog = await aliceHub.SendTextAsync(room.Id, "the lazy dog");
        var quickCat = await aliceHub.SendTextAsync(room.Id, "one quick cat");
        using var http = Node.Http(bob.Token);

        async Task<Guid[]> FindAsync(string q) => [.. (await http.SearchPageAsync(room.Id, q)).Hits.Select(h => h.Message.Id).Order()];

        Assert.Equal([quickBrown.MessageId], await FindAsync("\"quick brown\""));
        Assert.Equal(new[] { quickBrown.MessageId, brownQuick.MessageId }.Order(), await FindAsync("quick brown"));
        Assert.Equal(new[] { quickBrown.MessageId, brownQuick.MessageId }.Order(), await FindAsync("quick -cat"));
        Assert.Equal(new[] { lazyDog.MessageId, quickCat.MessageId }.Order(), await FindAsync("dog or cat"));
        Assert.Empty(await FindAsync("quick dog"));
        // Only exclusions: every message without the word, but no join (bob's is in the room).
        Assert.Equal([lazyDog.MessageId], await FindAsync("-quick"));
        // Only punctuation, or only a negation: nothing to look for, so nothing found rather than an error.
        Assert.Empty(await FindAsync("\"\""));
    }

    [Fact]
    public async Task A_room_in_english_finds_running_for_run_and_a_simple_room_does_not()
    {
        var admin = await TestUser.RegisterAsync(Node, "admin");
        var english = await admin.CreateRoomAsync(Node, name: "english", settings: new RoomSettings(SearchLanguage: "english"));
        var simple = await admin.CreateRoomAsync(Node, name: "simple");
        await using var hub = await HubClient.ConnectAsync(Node, admin);
        var inEnglish = await hub.SendTextAsync(english.Id, "I was running late");
        var inSimple = await hub.SendTextAsync(simple.Id, "I was running late");
        using var http = Node.Http(admin.Token);

        Assert.Equal("english", english.Settings.SearchLanguage);
        Assert.Equal("simple", simple.Settings.SearchLanguage);
        Assert.Equal([inEnglish.MessageId], (await http.SearchPageAsync(english.Id, "run")).Hits.Select(h => h.Message.Id));
        Assert.Empty((await http.SearchPageAsync(simple.Id, "run")).Hits);
        Assert.Equal([inSimple.MessageId], (await http.SearchPageAsync(simple.Id, "running")).Hits.Select(h => h.Message.Id));
        Assert.Equal([inEnglish.MessageId], (await http.SearchPageAsync(null, "run")).Hits.Select(h => h.Message.Id));
        var marked = Assert.Single((await http.SearchPageAsync(english.Id, "run")).Hits).Highlight;
        Assert.Equal("I was <mark>running</mark> late", marked);
    }

    [Fact]
    public async Task A_message_stays_indexed_in_the_language_its_room_had_when_it_was_sent()
    {
        var admin = await TestUser.RegisterAsync(Node, "admin");
        var room = await admin.CreateRoomAsync(Node);
        await using var hub = await HubClient.ConnectAsync(Node, admin);
        using var http = Node.Http(admin.Token);
        var before = await hub.SendTextAsync(room.Id, "running before");

        var changed = await http.PutSettingsAsync(room.Id, new RoomSettings(SearchLanguage: "English")).ReadAsync<RoomDto>();
        var after = await hub.SendTextAsync(room.Id, "running after");
        // A streamed message is stored alone, not in a batch: it takes the room's language too.
        var streamed = await hub.Connection.InvokeAsync<MessageAck>(
            nameof(IChatHub.StreamMessage),
            new StreamMessageRequest(room.Id.ToString(), Guid.NewGuid().ToString()),
            Parts("running ", "streamed"));

        Assert.Equal("english", changed.Settings.SearchLanguage);
        Assert.Equal(
            new[] { after.MessageId, streamed.MessageId }.Order(),
            (await http.SearchPageAsync(room.Id, "run")).Hits.Select(h => h.Message.Id).Order());
        Assert.Equal(
            new[] { before.MessageId, after.MessageId, streamed.MessageId }.Order(),
            (await http.SearchPageAsync(room.Id, "running")).Hits.Select(h => h.Message.Id).Order());

        static async IAsyncEnumerable<StreamPart> Parts(params string[] texts)
        {
            foreach (var text in texts)
            {
                await Task.Yield();
                yield return new StreamPart(PartKinds.TextDelta, Text: text);
            }
        }
    }

    [Theory]
    [InlineData("klingon")]
    [InlineData("english; drop table messages")]
    [InlineData("")]
    public async Task An_unknown_search_language_is_invalid(string language)
    {
        var admin = await TestUser.RegisterAsync(Node, "admin");
        var room = await admin.CreateRoomAsync(Node);
        using var http = Node.Http(admin.Token);

        using var put = await http.PutSettingsAsync(room.Id, new RoomSettings(SearchLanguage: language));
        using var create = await http.CreateRoomAsync(new CreateRoomRequest("new room", null, false, new RoomSettings(SearchLanguage: language)));

        var problem = await ProblemAssert.HasCodeAsync(put, HttpStatusCode.BadRequest, ErrorCodes.Invalid);
        Assert.True(problem.GetProperty("errors").TryGetProperty("searchLanguage", out _), problem.ToString());
        await ProblemAssert.HasCodeAsync(create, HttpStatusCode.BadRequest, ErrorCodes.Invalid);
        Assert.Equal("simple", (await http.RoomAsync(room.Id)).Settings.SearchLanguage);
    }

    [Fact]
    public async Task Pages_go_on_by_offset_until_has_more_is_false()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var sent = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            sent.Add((await aliceHub.SendTextAsync(room.Id, $"gooseberry number {i}")).MessageId);
        }

        await aliceHub.SendTextAsync(room.Id, "unrelated");
        using var http = Node.Http(bob.Token);

        var first = await http.SearchPageAsync(room.Id, "gooseberry", limit: 2);
        var second = await http.SearchPageAsync(room.Id, "gooseberry", limit: 2, offset: 2);
        var third = await http.SearchPageAsync(room.Id, "gooseberry", limit: 2, offset: 4);
        var byDefault = await http.SearchPageAsync(room.Id, "gooseberry");

        Assert.Equal((2, true), (first.Hits.Count, first.HasMore));
        Assert.Equal((2, true), (second.Hits.Count, second.HasMore));
        Assert.Equal((1, false), (third.Hits.Count, third.HasMore));
        Assert.Equal(sent.Order(), first.Hits.Concat(second.Hits).Concat(third.Hits).Select(h => h.Message.Id).Order());
        // Equal ranks: the newest first, so pages hold still as long as nothing new matches.
        Assert.Equal(Enumerable.Reverse(sent), byDefault.Hits.Select(h => h.Message.Id));
        Assert.False(byDefault.HasMore);
    }

    [Theory]
    [InlineData(null, null, null, "q")]
    [InlineData("", null, null, "q")]
    [InlineData("   ", null, null, "q")]
    [InlineData("tab\u0001", null, null, "q")]
    [InlineData("ok", 0, null, "limit")]
    [InlineData("ok", 51, null, "limit")]
    [InlineData("ok", null, -1, "offset")]
    public async Task A_bad_query_limit_or_offset_is_invalid(string? q, int? limit, int? offset, string field)
    {
        var (_, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var http = Node.Http(bob.Token);

        foreach (var roomId in new Guid?[] { room.Id, null })
        {
            using var response = await http.SearchMessagesAsync(roomId, q, limit, offset);
            ProblemAssert.IsProblemJson(response);
            var problem = await ProblemAssert.HasCodeAsync(response, HttpStatusCode.BadRequest, ErrorCodes.Invalid);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
    }

    [Fact]
    public async Task A_query_of_256_characters_is_searched_and_one_of_257_is_invalid()
    {
        var (_, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var http = Node.Http(bob.Token);

        using var longest = await http.SearchMessagesAsync(room.Id, new string('a', 256));
        using var tooLong = await http.SearchMessagesAsync(room.Id, new string('a', 257));

        Assert.Equal(HttpStatusCode.OK, longest.StatusCode);
        await ProblemAssert.HasCodeAsync(tooLong, HttpStatusCode.BadRequest, ErrorCodes.Invalid);
    }
}
