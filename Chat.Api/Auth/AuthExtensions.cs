using Chat.Data;
using Chat.Hubs;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Api.Auth;

/// <summary>JWT bearer authentication for the REST API and the hub.</summary>
public static class AuthExtensions
{
    public static IHostApplicationBuilder AddChatAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<JwtOptions>().BindConfiguration(JwtOptions.SectionName).ValidateDataAnnotations();
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton<UserSessions>();
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddSingleton<AccountService>();
        builder.Services.AddOptions<ServiceClientOptions>().BindConfiguration(ServiceClientOptions.SectionName);
        builder.Services.AddSingleton<ServiceAccountService>();
        builder.Services.AddOptionsWithValidateOnStart<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.SectionName).ValidateDataAnnotations();
        builder.Services.AddSingleton<Passwords>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>>((bearer, jwtOptions) =>
            {
                var jwt = jwtOptions.Value;
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateIssuer = true,
                    ValidIssuer = jwt.Issuer,
                    ValidateAudience = true,
                    ValidAudience = jwt.Audience,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = ChatClaims.Name,
                    RoleClaimType = ChatClaims.Role,
                };
                if (string.IsNullOrWhiteSpace(jwt.Authority))
                {
                    bearer.TokenValidationParameters.ValidateIssuerSigningKey = true;
                    bearer.TokenValidationParameters.IssuerSigningKeys =
                        [.. jwt.ValidationKeyBytes().Select(key => new SymmetricSecurityKey(key))];
                }
                else
                {
                    bearer.Authority = jwt.Authority;
                }

                bearer.Events = new JwtBearerEvents
                {
                    // Browsers cannot set headers on WebSockets or server-sent events, so the hub
                    // also takes the token from the query string; nowhere else does.
                    OnMessageReceived = context =>
                    {
                        var token = context.Request.Query["access_token"];
                        if (!string.IsNullOrEmpty(token) && context.HttpContext.Request.Path.StartsWithSegments("/hubs"))
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                    OnTokenValidated = context =>
                    {
                        context.Principal = CallerPrincipal.Keep(context.Principal!);
                        return Task.CompletedTask;
                    },
                };
            });
        builder.Services.AddAuthorization();
        return builder;
    }
}
